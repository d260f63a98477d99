import { CallHandler, ExecutionContext, Injectable, NestInterceptor } from '@nestjs/common';
import type { Response } from 'express';
import { map, Observable } from 'rxjs';
import type { Page } from './pagination.dto';

export const TOTAL_COUNT_HEADER = 'X-Total-Count';

/** Turns a handler's Page into a plain JSON array plus the X-Total-Count header. */
@Injectable()
export class TotalCountInterceptor<T> implements NestInterceptor<Page<T>, T[]> {
  intercept(context: ExecutionContext, next: CallHandler<Page<T>>): Observable<T[]> {
    const response = context.switchToHttp().getResponse<Response>();
    return next.handle().pipe(
      map((page) => {
        response.setHeader(TOTAL_COUNT_HEADER, String(page.total));
        return page.items;
      }),
    );
  }
}
