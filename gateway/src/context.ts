import type { Caller } from '@shop/kit';

export interface GatewayContext {
  caller: Caller;
  requestId: string;
}
