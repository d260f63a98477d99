import { ForbiddenException, Injectable, NotFoundException } from '@nestjs/common';
import type { Principal } from '../auth/principal';
import type { Page } from '../common/pagination.dto';
import { AppConfig } from '../config/app-config';
import { TransactionRunner } from '../database/transaction-runner';
import type { Tx } from '../database/tx';
import type { EventActor } from '../events/request-event';
import { OperatorStateService } from '../operators/operator-state.service';
import { toRequestResponse, type RequestResponseDto } from '../requests/dto/request-response.dto';
import { RequestLifecycleService } from '../requests/lifecycle/request-lifecycle.service';
import type { ListOffersQueryDto } from './dto/list-offers-query.dto';
import { toOfferResponse, type OfferResponseDto } from './dto/offer-response.dto';
import type { Offer } from './offer';
import { OffersRepository } from './offers.repository';

/** An operator key acts for its own operator; an admin (or the open API) for anyone. */
const actorOf = (principal: Principal): EventActor =>
  principal.kind === 'operator' ? 'operator' : 'admin';

/**
 * Offers: reading them, and a person's accept or decline, each one transaction through the
 * request lifecycle (which owns every change of a request and of operators' load); expiry for
 * the expiry pass, which sets an operator away after MISSED_OFFERS_BEFORE_AWAY in a row.
 */
@Injectable()
export class OffersService {
  constructor(
    private readonly offers: OffersRepository,
    private readonly transactions: TransactionRunner,
    private readonly lifecycle: RequestLifecycleService,
    private readonly operatorState: OperatorStateService,
    private readonly config: AppConfig,
  ) {}

  async list(query: ListOffersQueryDto): Promise<Page<OfferResponseDto>> {
    const { items, total } = await this.offers.page(query);
    return { items: items.map(toOfferResponse), total };
  }

  async get(id: number, principal: Principal): Promise<OfferResponseDto> {
    return toOfferResponse(await this.findFor(id, principal));
  }

  async accept(id: number, principal: Principal): Promise<RequestResponseDto> {
    const offer = await this.findFor(id, principal);
    const request = await this.transactions.run((tx) =>
      this.lifecycle.acceptOffer(tx, offer, actorOf(principal)),
    );
    return toRequestResponse(request);
  }

  async decline(
    id: number,
    reason: string | null,
    principal: Principal,
  ): Promise<OfferResponseDto> {
    const offer = await this.findFor(id, principal);
    await this.transactions.run((tx) =>
      this.lifecycle.declineOffer(tx, offer, reason, actorOf(principal)),
    );
    return toOfferResponse((await this.offers.find(id))!);
  }

  /** The expiry pass's step for one offer; false when it was not due or already ended. */
  expire(tx: Tx, id: number, now: Date): Promise<boolean> {
    return this.lifecycle.expireOffer(tx, id, now, this.config.MISSED_OFFERS_BEFORE_AWAY, (op) =>
      this.operatorState.setPresence(tx, op, 'away', 'missed_offers', 'system'),
    );
  }

  /** 404 when it does not exist; 403 when an operator key asks about someone else's offer. */
  private async findFor(id: number, principal: Principal): Promise<Offer> {
    const offer = await this.offers.find(id);
    if (!offer) throw new NotFoundException(`offer ${id} not found`);
    if (principal.kind === 'operator' && principal.operatorId !== offer.operatorId) {
      throw new ForbiddenException(`offer ${id} was made to another operator`);
    }
    return offer;
  }
}
