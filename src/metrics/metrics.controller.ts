import { Controller, Get, Headers, Res, UnauthorizedException } from '@nestjs/common';
import {
  ApiOkResponse,
  ApiOperation,
  ApiProduces,
  ApiSecurity,
  ApiTags,
  ApiUnauthorizedResponse,
} from '@nestjs/swagger';
import { SkipThrottle } from '@nestjs/throttler';
import type { Response } from 'express';
import { AdminKeys, digestsEqual, hashApiKey, presentedKey } from '../auth/api-keys';
import { Public } from '../auth/public.decorator';
import { ErrorResponseDto } from '../common/api-docs';
import { AppConfig } from '../config/app-config';
import { MetricsService } from './metrics.service';

/**
 * Outside the global API-key guard (a scraper has no API key), with its own rule: it publishes
 * operator names and loads, so with ADMIN_API_KEYS set it needs an admin key or METRICS_TOKEN;
 * otherwise METRICS_TOKEN when set; open only when neither is set.
 */
@ApiTags('service')
@Public()
@SkipThrottle()
@Controller('metrics')
export class MetricsController {
  private readonly tokenDigest?: string;
  private readonly adminKeys: AdminKeys;

  constructor(
    private readonly metrics: MetricsService,
    config: AppConfig,
  ) {
    this.tokenDigest = config.METRICS_TOKEN ? hashApiKey(config.METRICS_TOKEN) : undefined;
    this.adminKeys = new AdminKeys(config.adminApiKeys);
  }

  private admits(headers: Record<string, string | string[] | undefined>): boolean {
    if (!this.tokenDigest && !this.adminKeys.enabled) return true;
    const key = presentedKey(headers);
    if (key === undefined) return false;
    const digest = hashApiKey(key);
    const isToken = this.tokenDigest !== undefined && digestsEqual(this.tokenDigest, digest);
    return isToken || this.adminKeys.match(digest) >= 0;
  }

  @Get()
  @ApiOperation({
    summary: 'Prometheus metrics',
    description:
      'Text exposition format. With ADMIN_API_KEYS set: an admin key or METRICS_TOKEN ' +
      '(`Authorization: Bearer …` or `X-API-Key`); otherwise METRICS_TOKEN when set; open when ' +
      'neither is set. Intake keys are never accepted.',
  })
  @ApiProduces('text/plain')
  @ApiOkResponse({
    description: 'Prometheus text format',
    schema: { type: 'string', example: 'assignments_total{source="1",outcome="assigned"} 3' },
  })
  @ApiUnauthorizedResponse({
    description: 'Neither METRICS_TOKEN nor an admin key was given while one is required',
    type: ErrorResponseDto,
    example: {
      statusCode: 401,
      error: 'Unauthorized',
      message: 'METRICS_TOKEN or an admin key required',
    },
  })
  @ApiSecurity('bearer')
  @ApiSecurity('api-key')
  @ApiSecurity({})
  async scrape(
    @Headers() headers: Record<string, string | string[] | undefined>,
    @Res({ passthrough: true }) response: Response,
  ): Promise<string> {
    if (!this.admits(headers)) {
      response.setHeader('WWW-Authenticate', 'Bearer realm="metrics"');
      throw new UnauthorizedException('METRICS_TOKEN or an admin key required');
    }
    response.setHeader('Content-Type', this.metrics.contentType);
    return this.metrics.render();
  }
}
