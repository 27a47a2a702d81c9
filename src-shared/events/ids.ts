/**
 * Event ids: UUIDs (the protocol's schema for EVENT_* ids). The default
 * generator uses Math.random, which is enough to keep ids of one session
 * apart; pass `crypto.randomUUID` where it exists (Node, browsers) for ids
 * that must not be guessable.
 */
export type NewId = () => string;

const HEX = '0123456789abcdef';

export const randomId: NewId = () => {
  let s = '';
  for (let i = 0; i < 36; i++) {
    if (i === 8 || i === 13 || i === 18 || i === 23) s += '-';
    else if (i === 14) s += '4';
    else if (i === 19) s += HEX[8 + Math.floor(Math.random() * 4)]!;
    else s += HEX[Math.floor(Math.random() * 16)]!;
  }
  return s;
};

export const UUID_PATTERN = /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/;
