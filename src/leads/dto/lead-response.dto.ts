import { ApiProperty } from '@nestjs/swagger';
import { LeadRequestResponseDto } from '../../requests/dto/request-response.dto';

export class LeadResponseDto {
  @ApiProperty({ type: 'integer', example: 1 })
  id: number;

  @ApiProperty({ example: 'customer_12345' })
  external_id: string;

  @ApiProperty({ example: 'Jane Smith', nullable: true, type: String })
  name: string | null;

  @ApiProperty({ example: 'jane@example.com', nullable: true, type: String })
  email: string | null;

  @ApiProperty({ example: '+1234567890', nullable: true, type: String })
  phone: string | null;

  @ApiProperty({ example: '2026-01-27T10:30:00.000Z' })
  created_at: string;

  @ApiProperty({
    type: LeadRequestResponseDto,
    isArray: true,
    description: 'From every source, by id',
  })
  requests: LeadRequestResponseDto[];
}
