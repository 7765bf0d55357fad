import { XMLParser, XMLValidator } from 'fast-xml-parser';

/**
 * The Official Account message format: a flat `<xml>` element whose children are the fields
 * (ToUserName, FromUserName, CreateTime, MsgType, Content, MsgId, Event …), values usually
 * wrapped in CDATA. Everything is kept as a string: MsgId is a 64-bit number that would lose
 * digits as a JS number.
 */
export interface MpMessage {
  ToUserName: string;
  FromUserName: string;
  CreateTime: string;
  MsgType: string;
  /** Every other field, as sent. */
  fields: Record<string, string>;
}

export type ParseResult = { ok: true; message: MpMessage } | { ok: false; reason: string };

const parser = new XMLParser({
  ignoreAttributes: true,
  parseTagValue: false,
  parseAttributeValue: false,
  trimValues: true,
  // Entities are never needed in this protocol; not expanding them also rules out entity tricks.
  processEntities: false,
});

export function parseMpXml(body: string): ParseResult {
  const text = body.trim();
  if (!text) return { ok: false, reason: 'empty body' };
  // The platform never sends a DTD; refusing one avoids entity-expansion games entirely.
  if (/<!DOCTYPE|<!ENTITY/i.test(text)) return { ok: false, reason: 'DTD not allowed' };
  const valid = XMLValidator.validate(text);
  if (valid !== true) return { ok: false, reason: `invalid XML: ${valid.err.msg} (line ${valid.err.line})` };
  let doc: unknown;
  try {
    doc = parser.parse(text);
  } catch (err) {
    return { ok: false, reason: `invalid XML: ${err instanceof Error ? err.message : String(err)}` };
  }
  const root = (doc as Record<string, unknown> | null)?.['xml'];
  if (!root || typeof root !== 'object' || Array.isArray(root)) return { ok: false, reason: 'no <xml> root element' };
  const fields: Record<string, string> = {};
  for (const [key, value] of Object.entries(root as Record<string, unknown>)) {
    if (typeof value === 'string') fields[key] = value;
    else if (typeof value === 'number' || typeof value === 'boolean') fields[key] = String(value);
    // Nested elements (e.g. ScanCodeInfo) are not used by this bot; they are skipped.
  }
  const { ToUserName, FromUserName, CreateTime, MsgType } = fields;
  if (!ToUserName || !FromUserName || !MsgType) return { ok: false, reason: 'missing ToUserName, FromUserName or MsgType' };
  return { ok: true, message: { ToUserName, FromUserName, CreateTime: CreateTime ?? '', MsgType: MsgType.toLowerCase(), fields } };
}

/** CDATA cannot contain `]]>`: close the section before `>` and reopen it, which XML readers join back. */
export function cdata(text: string): string {
  return `<![CDATA[${text.replaceAll(']]>', ']]]]><![CDATA[>')}]]>`;
}

/** A passive text reply: the sender and recipient of the incoming message swapped. */
export function textReplyXml(incoming: Pick<MpMessage, 'ToUserName' | 'FromUserName'>, content: string, nowMs = Date.now()): string {
  return (
    '<xml>' +
    `<ToUserName>${cdata(incoming.FromUserName)}</ToUserName>` +
    `<FromUserName>${cdata(incoming.ToUserName)}</FromUserName>` +
    `<CreateTime>${Math.floor(nowMs / 1000)}</CreateTime>` +
    `<MsgType>${cdata('text')}</MsgType>` +
    `<Content>${cdata(content)}</Content>` +
    '</xml>'
  );
}
