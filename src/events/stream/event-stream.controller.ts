import {
  applyDecorators,
  BadRequestException,
  Controller,
  Get,
  Headers,
  Res,
} from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiHeader,
  ApiOkResponse,
  ApiOperation,
  ApiProduces,
  ApiTags,
} from '@nestjs/swagger';
import type { Response } from 'express';
import { ErrorResponseDto } from '../../common/api-docs';
import { EventStreamService } from './event-stream.service';

const EXAMPLE =
  'id: 42\nevent: request.assigned\ndata: {"id":"evt_01JJ6Z8Q5B3W9G2K7M4N8P0R1S","type":"request.assigned",' +
  '"created_at":"2026-01-27T10:30:00.000Z","data":{"request":{"id":7,"lead_id":3,"source_id":1,' +
  '"operator_id":2,"operator_name":"Bob","status":"active","message":"Need help",' +
  '"created_at":"2026-01-27T10:30:00.000Z","assigned_at":"2026-01-27T10:30:00.000Z",' +
  '"updated_at":"2026-01-27T10:30:00.000Z"},"previous_operator_id":null,"trigger":"intake"}}\n\n';

function ApiEventStream() {
  return applyDecorators(
    ApiOperation({
      summary: 'Live request events as Server-Sent Events (admin)',
      description:
        'The same events as the webhooks (`request.created`, `request.assigned`, ' +
        '`request.waiting`, `request.closed`, `request.reopened`), each as `id:` (its position ' +
        'in the event log), `event:` (its type) and `data:` (the webhook body). Without ' +
        '`Last-Event-ID` the stream starts with the next event; with it, it resumes right after ' +
        'that id. Events of every instance on the same database arrive within about a second. ' +
        'A comment line every 15 s keeps the connection alive; the stream ends when the ' +
        'service stops (reconnect with Last-Event-ID). Authenticate with the Authorization ' +
        'header (stream with fetch: EventSource cannot send headers).',
    }),
    ApiProduces('text/event-stream'),
    ApiHeader({
      name: 'Last-Event-ID',
      required: false,
      description: 'Resume after this event id (the last `id:` received)',
      example: '42',
    }),
    ApiOkResponse({
      description: 'An endless text/event-stream',
      content: { 'text/event-stream': { schema: { type: 'string', example: EXAMPLE } } },
    }),
    ApiBadRequestResponse({
      description: 'Last-Event-ID is not a non-negative integer',
      type: ErrorResponseDto,
      example: {
        statusCode: 400,
        error: 'Bad Request',
        message: 'Last-Event-ID must be a non-negative integer',
      },
    }),
  );
}

@ApiTags('events')
@Controller('events')
export class EventStreamController {
  constructor(private readonly stream: EventStreamService) {}

  @Get('stream')
  @ApiEventStream()
  async open(
    @Headers('last-event-id') lastEventId: string | undefined,
    @Res() response: Response,
  ): Promise<void> {
    const after = parseLastEventId(lastEventId);
    response.status(200);
    response.setHeader('Content-Type', 'text/event-stream; charset=utf-8');
    response.setHeader('Cache-Control', 'no-cache, no-transform');
    response.setHeader('X-Accel-Buffering', 'no');
    // The headers go out with the stream's first bytes, once its start is fixed: a client that
    // has them gets every event committed from then on.
    const close = await this.stream.open(response, after);
    // The response closes when the client goes away (or the stream ends).
    response.on('close', close);
    if (response.destroyed) close();
  }
}

function parseLastEventId(value: string | undefined): number | undefined {
  if (value === undefined || value.trim() === '') return undefined;
  const trimmed = value.trim();
  if (!/^\d{1,15}$/.test(trimmed)) {
    throw new BadRequestException('Last-Event-ID must be a non-negative integer');
  }
  return Number(trimmed);
}
