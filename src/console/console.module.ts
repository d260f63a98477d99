import { join } from 'node:path';
import { Module } from '@nestjs/common';
import { ServeStaticModule } from '@nestjs/serve-static';
import type { Response } from 'express';
import { ConsoleController } from './console.controller';

/** Where `npm run build` puts the console (console/dist), from src/console or dist/console. */
export const CONSOLE_ROOT = join(__dirname, '..', '..', 'console', 'dist');

/**
 * GET /console: the operations console, a static single-page app built from console/ and served
 * from this process (no CDN). The page itself is public; everything it shows comes from the API
 * with the admin key the user types in.
 */
@Module({
  imports: [
    ServeStaticModule.forRoot({
      rootPath: CONSOLE_ROOT,
      serveRoot: '/console',
      serveStaticOptions: {
        index: 'index.html',
        // Hashed assets never change; the page itself is checked on every load.
        setHeaders: (response: Response, path: string) =>
          response.setHeader(
            'Cache-Control',
            path.endsWith('.html') ? 'no-cache' : 'public, max-age=31536000, immutable',
          ),
      },
    }),
  ],
  controllers: [ConsoleController],
})
export class ConsoleModule {}
