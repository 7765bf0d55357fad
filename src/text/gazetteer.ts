import { PolicybotError } from '../errors.ts';
/**
 * A small gazetteer of the places the corpus and its users talk about, nested
 * 全国 ⊃ province ⊃ city ⊃ district. Regions nest: a 广东省 document covers a question about
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
}

const PROVINCES: Array<[string, string]> = [
  ['北京市', '北京'], ['天津市', '天津'], ['上海市', '上海'], ['重庆市', '重庆'], ['河北省', '河北'], ['山西省', '山西'],
  ['辽宁省', '辽宁'], ['吉林省', '吉林'], ['黑龙江省', '黑龙江'], ['江苏省', '江苏'], ['浙江省', '浙江'], ['安徽省', '安徽'],
  ['福建省', '福建'], ['江西省', '江西'], ['山东省', '山东'], ['河南省', '河南'], ['湖北省', '湖北'], ['湖南省', '湖南'],
  ['广东省', '广东'], ['海南省', '海南'], ['四川省', '四川'], ['贵州省', '贵州'], ['云南省', '云南'], ['陕西省', '陕西'],
  ['甘肃省', '甘肃'], ['青海省', '青海'], ['台湾省', '台湾'], ['内蒙古自治区', '内蒙古'], ['广西壮族自治区', '广西'],
  ['西藏自治区', '西藏'], ['宁夏回族自治区', '宁夏'], ['新疆维吾尔自治区', '新疆'], ['香港特别行政区', '香港'], ['澳门特别行政区', '澳门'],
];

const CITIES: Record<string, string[]> = {
  山东省: ['青岛', '济南', '烟台', '潍坊', '淄博', '临沂', '济宁', '威海', '日照', '泰安', '德州', '聊城', '滨州', '菏泽', '枣庄', '东营'],
  广东省: ['广州', '深圳', '佛山', '东莞', '珠海', '中山', '惠州', '汕头', '江门', '湛江', '肇庆', '韶关', '清远', '茂名'],
  湖南省: ['长沙', '株洲', '湘潭', '衡阳', '岳阳', '常德', '郴州'],
  江苏省: ['南京', '苏州', '无锡', '常州', '南通', '徐州'],
  浙江省: ['杭州', '宁波', '温州', '绍兴', '嘉兴', '金华'],
  湖北省: ['武汉', '宜昌', '襄阳'],
  四川省: ['成都', '绵阳'],
  河南省: ['郑州', '洛阳'],
  陕西省: ['西安'],
  福建省: ['福州', '厦门', '泉州'],
  辽宁省: ['沈阳', '大连'],
  河北省: ['石家庄', '保定', '唐山'],
  安徽省: ['合肥', '芜湖'],
  江西省: ['南昌'],
  云南省: ['昆明'],
  贵州省: ['贵阳'],
  山西省: ['太原'],
  吉林省: ['长春'],
  黑龙江省: ['哈尔滨'],
  甘肃省: ['兰州'],
  海南省: ['海口', '三亚'],
  广西壮族自治区: ['南宁', '桂林'],
};

const DISTRICTS: Record<string, string[]> = {
  青岛市: ['市南区', '市北区', '李沧区', '崂山区', '城阳区', '黄岛区', '即墨区', '胶州市', '平度市', '莱西市', '西海岸新区'],
  广州市: ['越秀区', '海珠区', '荔湾区', '天河区', '白云区', '黄埔区', '番禺区', '花都区', '南沙区', '从化区', '增城区'],
  长沙市: ['芙蓉区', '天心区', '岳麓区', '开福区', '雨花区', '望城区', '长沙县', '浏阳市', '宁乡市'],
  深圳市: ['福田区', '罗湖区', '南山区', '宝安区', '龙岗区', '盐田区', '龙华区', '坪山区', '光明区'],
  济南市: ['历下区', '市中区', '槐荫区', '天桥区', '历城区', '长清区', '章丘区'],
};

function build(): Map<string, Place> {
  const places = new Map<string, Place>();
  places.set('全国', { name: '全国', level: 0, parent: null, names: ['全国', '中华人民共和国', '国务院'], shortNames: ['国家'] });
  for (const [full, short] of PROVINCES) {
    places.set(full, { name: full, level: 1, parent: '全国', names: [full], shortNames: [short] });
  }
  for (const [province, cities] of Object.entries(CITIES)) {
    for (const c of cities) {
      const name = `${c}市`;
      places.set(name, { name, level: 2, parent: province, names: [name], shortNames: [c] });
    }
  }
  for (const [city, districts] of Object.entries(DISTRICTS)) {
    for (const d of districts) {
      const name = `${city}${d}`;
      const short = d.replace(/(新区|区|县|市)$/, '');
      places.set(name, {
        name,
        level: 3,
        parent: city,
        names: [name, d],
        shortNames: short.length >= 2 ? [short] : [],
      });
    }
  }
  // 黄岛区 and 西海岸新区 are the same place.
  places.get('青岛市西海岸新区')?.names.push('黄岛区');
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

interface Mention {
  place: Place;
  index: number;
  length: number;
}

/**
 * Place mentions in (normalised) text, longest match first at each position, so that
 * 青岛市城阳区 is one mention and 市北区 is not read as 北京.
 */
export function findPlaces(text: string, opts: { short?: boolean } = {}): Mention[] {
  const patterns: Array<{ s: string; place: Place }> = [];
  for (const place of PLACES.values()) {
    for (const s of place.names) patterns.push({ s, place });
    if (opts.short) for (const s of place.shortNames) patterns.push({ s, place });
  }
  patterns.sort((a, b) => b.s.length - a.s.length);
  const taken = new Array<boolean>(text.length).fill(false);
  const out: Mention[] = [];
  for (const { s, place } of patterns) {
    let from = 0;
    for (;;) {
      const i = text.indexOf(s, from);
      if (i < 0) break;
      from = i + 1;
      let free = true;
      for (let k = i; k < i + s.length; k++) if (taken[k]) free = false;
      if (!free) continue;
      // 市北 in 城市北部 is not a place: a short name must not continue a longer word with 城.
      if (s.length === 2 && place.level === 3 && i > 0 && text[i - 1] === '城') continue;
      for (let k = i; k < i + s.length; k++) taken[k] = true;
      out.push({ place, index: i, length: s.length });
    }
  }
  return out.sort((a, b) => a.index - b.index);
}

/** The most specific places named in a question (ancestors of another mention dropped). */
export function placesInQuestion(text: string): string[] {
  const names = [...new Set(findPlaces(text, { short: true }).map((m) => m.place.name))].filter((n) => n !== '全国');
  return names.filter((n) => !names.some((o) => o !== n && lineage(o).includes(n)));
}

/**
 * A place as a person types it (「广州」, 「青岛市城阳区」, 「在城阳」) → its gazetteer name, or null
 * when the text names no place or several unrelated ones. The one resolver for region inputs
 * (/region, profiles, ?region= filters).
 */
export function resolvePlace(text: string): string | null {
  const t = text.trim();
  if (PLACES.has(t)) return t;
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
  for (const source of [issuer ?? '', title]) {
    const found = mostSpecific(findPlaces(source).map((m) => m.place.name));
    if (found) return found;
  }
  const counts = new Map<string, number>();
  for (const m of findPlaces(text.slice(0, 20000))) counts.set(m.place.name, (counts.get(m.place.name) ?? 0) + 1);
  if (counts.size === 0) return null;
  // Aggregate counts up the tree: a place's support is its own mentions plus its descendants'.
  const support = new Map<string, number>();
  for (const [name, n] of counts) for (const a of lineage(name)) support.set(a, (support.get(a) ?? 0) + n);
  const total = [...counts.values()].reduce((a, b) => a + b, 0);
  // The deepest place that carries at least 40% of all mentions.
  let best: string | null = null;
  for (const [name, n] of support) {
    if (n / total < 0.4) continue;
    const level = PLACES.get(name)?.level ?? 0;
    if (!best || level > (PLACES.get(best)?.level ?? 0) || (level === (PLACES.get(best)?.level ?? 0) && n > (support.get(best) ?? 0))) best = name;
  }
  return best;
}

/** The deepest of `names` in the place tree (the first of equals), or null for none. */
export function mostSpecific(names: string[]): string | null {
  let best: string | null = null;
  for (const n of names) if (!best || (PLACES.get(n)?.level ?? 0) > (PLACES.get(best)?.level ?? 0)) best = n;
  return best;
}
