import { Controller, Get } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { Public } from '../auth/public.decorator';
import { AppConfig } from '../config/app-config';

/** What the console page needs before it calls the API: whether to ask for a key. */
@ApiExcludeController()
@Controller('console')
export class ConsoleController {
  constructor(private readonly config: AppConfig) {}

  @Get('config')
  @Public()
  settings(): { auth_required: boolean } {
    return { auth_required: this.config.adminApiKeys.length > 0 };
  }
}
