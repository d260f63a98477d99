import type { ErlangCRequestDto, ErlangCResponseDto } from './dto/erlang-c.dto';
import { requiredServers, trafficErlangs, withShrinkage } from './erlang-c';

const round = (value: number, decimals: number) => {
  const scale = 10 ** decimals;
  return Math.round(value * scale) / scale;
};

/** POST /staffing/erlang-c: the calculator's answer for a validated body, rounded for reading. */
export function erlangCStaffing(input: ErlangCRequestDto): ErlangCResponseDto {
  const traffic = trafficErlangs(input.arrivals, input.interval_minutes, input.aht_seconds);
  const raw = requiredServers({
    traffic,
    ahtSeconds: input.aht_seconds,
    targetAnswerSeconds: input.target_answer_seconds,
    targetServiceLevel: input.target_service_level,
    maxOccupancy: input.max_occupancy ?? 1,
  });
  return {
    traffic_erlangs: round(traffic, 4),
    raw_agents: raw.servers,
    agents: withShrinkage(raw.servers, input.shrinkage ?? 0),
    service_level: round(raw.serviceLevel, 4),
    p_wait: round(raw.pWait, 4),
    asa_seconds: round(raw.asaSeconds, 2),
    occupancy: round(raw.occupancy, 4),
  };
}
