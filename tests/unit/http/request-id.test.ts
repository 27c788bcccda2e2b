import { describe, expect, it } from 'vitest';
import { CLIENT_REQUEST_ID_MAX_LENGTH, clientRequestIdOf, requestIdsOf } from '../../../src/http/request-id.js';

describe('client request ids', () => {
  it('keeps printable ASCII, bounded; drops empty and control-only values', () => {
    expect(clientRequestIdOf({ 'x-request-id': 'abc-123' })).toBe('abc-123');
    expect(clientRequestIdOf({ 'x-request-id': 'a\tb\u0000c\u00e9d' })).toBe('abcd');
    expect(clientRequestIdOf({ 'x-request-id': 'z'.repeat(1000) })).toHaveLength(CLIENT_REQUEST_ID_MAX_LENGTH);
    expect(clientRequestIdOf({ 'x-request-id': '\u0001\u0002' })).toBeUndefined();
    expect(clientRequestIdOf({ 'x-request-id': ['first', 'second'] })).toBe('first');
    expect(clientRequestIdOf({})).toBeUndefined();
  });

  it('the request id is always the server’s', () => {
    expect(requestIdsOf({ id: 'srv', headers: { 'x-request-id': 'cli' } })).toEqual({ requestId: 'srv', clientRequestId: 'cli' });
    expect(requestIdsOf({ id: 'srv', headers: {} })).toEqual({ requestId: 'srv' });
  });
});
