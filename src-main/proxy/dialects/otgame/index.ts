/** The OT game protocol dialect and the pieces others use (recordings, CLI, test doubles). */
export { createOtGameDialect, type OtGameDialectOptions } from './dialect';
export { OtGameSession, type OtSessionOptions } from './session';
export { decodeFrame, encodeFrame, type FrameState, type DecodedFrame, MAX_INFLATED, COMPRESS_FROM } from './frame';
export { framingForVersion, versionText, VERSION, type Framing, type FrameLayout, type ChecksumMode } from './framing';
export { xteaSchedule, xteaDecryptInPlace, xteaEncryptInPlace, type XteaKey, type XteaSchedule } from './xtea';
export { adler32 } from './adler32';
export { otServerKey, rsaKeyFromPem, rsaKeyFromNumbers, bigintRsaKey, type RsaPrivateKey } from './rsa';
export { OT_KEY } from './ot-key';
export { nameMessages, type NamedMessage } from './messages';
export { opcodeName, type Service } from './opcodes';
export { parseLoginPacket, type LoginPacket } from './login-packet';
export { readCharacterList, writeCharacterList, type World, type CharacterList } from './charlist';
export { otgamePduCodec, encodePdu, decodePdu } from './pdu';
export { FrameSplitter } from './splitter';
export { startHttpLoginProxy, rewriteLoginWorlds, redactLoginRequest, redactLoginResponse, type HttpLoginProxy, type HttpLoginProxyOptions, type HttpLoginExchange } from './http-login';
export { OTGAME_CLI_OPTIONS, OTGAME_CLI_USAGE, otgameSettingsFromCli, type OtGameCliSettings, type OtGameCliValues } from './cli-options';
