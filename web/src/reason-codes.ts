// The stable reason codes of PRODUCT.md §7 and the API error codes of API.md, in the order of
// src/core/reason_code.h. The desktop shows each with its sentence (see i18n.ts).
export const PRODUCT_REASON_CODES = [
  'TENANT_CONCURRENT_CALL_LIMIT',
  'DATACENTER_CONCURRENT_CALL_LIMIT',
  'CUSTOMER_BUSY',
  'NO_ANSWER',
  'INVALID_NUMBER',
  'NETWORK_ERROR',
  'CALL_REJECTED',
  'ANSWERING_MACHINE',
  'FAX_DETECTED',
  'SPECIAL_INFORMATION_TONE',
  'AGENT_CANCELLED',
  'RESERVATION_NOT_ANSWERED',
  'ACTION_DISABLED',
  'OFFER_CLOSED',
  'NO_CALLABLE_CONTACTS',
  'OUTSIDE_CALLING_WINDOW',
  'DO_NOT_CALL',
  'MAX_ATTEMPTS_REACHED',
  'AGENT_NOT_AVAILABLE',
  'CAMPAIGN_NOT_RUNNING',
] as const;

export const API_ERROR_CODES = [
  'UNAUTHENTICATED',
  'FORBIDDEN',
  'NOT_FOUND',
  'VALIDATION_FAILED',
  'CONFLICT',
  'PAYLOAD_TOO_LARGE',
  'RATE_LIMITED',
  'UNAVAILABLE',
  'INTERNAL',
] as const;

export const ALL_REASON_CODES = [...PRODUCT_REASON_CODES, ...API_ERROR_CODES] as const;
export type ReasonCode = (typeof ALL_REASON_CODES)[number];

export function isReasonCode(text: unknown): text is ReasonCode {
  return typeof text === 'string' && (ALL_REASON_CODES as readonly string[]).includes(text);
}
