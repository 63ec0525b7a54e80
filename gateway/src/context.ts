import type { Caller } from '@shop/kit';

export interface GatewayContext {
  caller: Caller;
  requestId: string;
  /** Set for partner requests: the persisted operation they were admitted to run. */
  partner?: { name: string; operationId: string; operationName: string };
}
