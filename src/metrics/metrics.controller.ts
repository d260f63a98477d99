import { Controller, Get, Headers, Res, UnauthorizedException } from '@nestjs/common';
import {
  ApiOkResponse,
  ApiOperation,
  ApiProduces,
  ApiTags,
  ApiUnauthorizedResponse,
} from '@nestjs/swagger';
import { SkipThrottle } from '@nestjs/throttler';
import type { Response } from 'express';
import { digestsEqual, hashApiKey, presentedKey } from '../auth/api-keys';
import { Public } from '../auth/public.decorator';
import { AppConfig } from '../config/app-config';
import { MetricsService } from './metrics.service';

/** Outside API-key auth (a scraper has no API key): guarded by METRICS_TOKEN when set. */
@ApiTags('service')
@Public()
@SkipThrottle()
@Controller('metrics')
export class MetricsController {
  private readonly tokenDigest?: string;

  constructor(
    private readonly metrics: MetricsService,
    config: AppConfig,
  ) {
    this.tokenDigest = config.METRICS_TOKEN ? hashApiKey(config.METRICS_TOKEN) : undefined;
  }

  @Get()
  @ApiOperation({
    summary: 'Prometheus metrics',
    description: 'Text exposition format. Needs `Authorization: Bearer <METRICS_TOKEN>` when set.',
  })
  @ApiProduces('text/plain')
  @ApiOkResponse({
    description: 'Prometheus text format',
    schema: { type: 'string', example: 'assignments_total{source="1",outcome="assigned"} 3' },
  })
  @ApiUnauthorizedResponse({ description: 'METRICS_TOKEN is set and was not given' })
  async scrape(
    @Headers() headers: Record<string, string | string[] | undefined>,
    @Res({ passthrough: true }) response: Response,
  ): Promise<string> {
    if (this.tokenDigest) {
      const token = presentedKey(headers);
      if (token === undefined || !digestsEqual(this.tokenDigest, hashApiKey(token))) {
        response.setHeader('WWW-Authenticate', 'Bearer realm="metrics"');
        throw new UnauthorizedException('METRICS_TOKEN required');
      }
    }
    response.setHeader('Content-Type', this.metrics.contentType);
    return this.metrics.render();
  }
}
