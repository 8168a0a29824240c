// Decodes a query_range answer without making two small objects per sample,
// and while it arrives:
// JSON.parse of 100 series x 10,000 points builds a million [t, "v"] arrays
// and a million strings, and collecting them costs more than drawing. Each
// series' "values":[[t,"v"],...] is scanned straight into two Float64Arrays
// (ts, vs; "NaN", "+Inf" and "-Inf" as NaN and ±Infinity) and
// the rest of the envelope, now small, goes through JSON.parse.
//
// The key "values":[ cannot occur inside a JSON string (a quote in a string is
// escaped), so each occurrence is a series' values array; the points there
// are [number, "string"] pairs whose strings hold no escapes. Anything else
// (native histograms, an error envelope) is left to JSON.parse as it is.

const KEY = '"values":[';

// A series' growing columns of seconds and values.
class Column {
  constructor() {
    this.ts = new Float64Array(1024);
    this.vs = new Float64Array(1024);
    this.n = 0;
  }

  grow() {
    const ts = new Float64Array(this.ts.length * 2);
    const vs = new Float64Array(this.vs.length * 2);
    ts.set(this.ts);
    vs.set(this.vs);
    this.ts = ts;
    this.vs = vs;
  }
}

const POW10 = [1, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16,
  1e17, 1e18, 1e19, 1e20, 1e21, 1e22];

// A decimal number from text[p] up to the first character that cannot be
// part of one; sets `numEnd`. Digits go into an integer mantissa then one
// multiplication or division by a power of ten: exact up to 15 significant
// digits and within an ulp or so above (the 17-digit values Prometheus
// writes), which a graph and its legend cannot show. Other forms ("NaN",
// "+Inf", digits past 1e22) go through Number().
let numEnd = 0;

// Number() with Prometheus' spellings of infinity.
function toNumber(s) {
  if (s === '+Inf' || s === 'Inf') return Infinity;
  if (s === '-Inf') return -Infinity;
  return Number(s);
}

function parseNumber(text, p) {
  const start = p;
  let c = text.charCodeAt(p);
  let neg = false;
  if (c === 45 /* - */ || c === 43 /* + */) {
    neg = c === 45;
    c = text.charCodeAt(++p);
  }
  let m = 0;
  let digits = 0;
  let exp = 0;
  while (c >= 48 && c <= 57) {
    m = m * 10 + (c - 48);
    digits++;
    c = text.charCodeAt(++p);
  }
  if (c === 46 /* . */) {
    c = text.charCodeAt(++p);
    while (c >= 48 && c <= 57) {
      m = m * 10 + (c - 48);
      digits++;
      exp--;
      c = text.charCodeAt(++p);
    }
  }
  if (c === 101 || c === 69 /* e E */) {
    c = text.charCodeAt(++p);
    let eneg = false;
    if (c === 45 || c === 43) {
      eneg = c === 45;
      c = text.charCodeAt(++p);
    }
    let e = 0;
    while (c >= 48 && c <= 57) {
      e = e * 10 + (c - 48);
      c = text.charCodeAt(++p);
    }
    exp += eneg ? -e : e;
  }
  numEnd = p;
  if (digits === 0 || digits > 17 || exp < -22 || exp > 22) {
    // Not a plain decimal (NaN, Inf) or out of the fast path's reach.
    let q = p;
    while (q < text.length && text.charCodeAt(q) !== 34 && text.charCodeAt(q) !== 44 && text.charCodeAt(q) !== 93) q++;
    numEnd = q;
    return toNumber(text.slice(start, q));
  }
  const v = exp < 0 ? m / POW10[-exp] : m * POW10[exp];
  return neg ? -v : v;
}

// Scans points into `col` from `p` (at a point's '[', or at the array's
// closing ']') while they start before `limit`; returns the position reached
// and sets `arrayEnded` when the closing ']' was passed.
let arrayEnded = false;
function scanPoints(text, p, limit, col) {
  arrayEnded = false;
  const { ts, vs } = col;
  let n = col.n;
  let cap = ts.length;
  while (p < limit) {
    const c0 = text.charCodeAt(p);
    if (c0 === 93 /* ] */) {
      arrayEnded = true;
      col.n = n;
      return p + 1;
    }
    if (c0 === 44 /* , */ && n > 0) {
      p++;
      continue;
    }
    if (c0 !== 91 /* [ */) throw new SyntaxError(`query_range answer: "[" expected at ${p}`);
    if (n === cap) {
      col.n = n;
      col.grow();
      return scanPoints(text, p, limit, col);
    }
    ts[n] = parseNumber(text, p + 1);
    p = numEnd;
    if (text.charCodeAt(p) !== 44 || text.charCodeAt(p + 1) !== 34) throw new SyntaxError(`query_range answer: ,"value" expected at ${p}`);
    const v = parseNumber(text, p + 2);
    p = numEnd;
    if (text.charCodeAt(p) !== 34 || text.charCodeAt(p + 1) !== 93) {
      // Something parseNumber did not take in full: read the whole string.
      const endq = text.indexOf('"', p);
      vs[n] = toNumber(text.slice(text.lastIndexOf('"', p - 1) + 1, endq));
      p = endq;
      if (text.charCodeAt(p + 1) !== 93) throw new SyntaxError(`query_range answer: "]" expected at ${p + 1}`);
    } else {
      vs[n] = v;
    }
    n++;
    // p+1 is the point's ']'; then ',' and the next point, or the array's ']'.
    p += 2;
    const c = text.charCodeAt(p);
    if (c !== 44 /* , */ && c !== 93 /* ] */) throw new SyntaxError(`query_range answer: "," or "]" expected at ${p}`);
  }
  col.n = n;
  return p;
}

// Decodes an answer pushed in pieces as it arrives (push), so that most of
// the work is done by the time the last byte is in (finish). The envelope
// is what JSON.parse would give, except that each matrix series has
// { metric, ts, vs } (Float64Arrays of seconds and values) in place of
// `values`.
export class RangeDecoder {
  constructor() {
    this.utf8 = new TextDecoder();
    this.buf = '';
    this.pos = 0;
    this.parts = [];
    this.columns = [];
    this.col = null; // the column being filled, while inside a values array
  }

  push(bytes) {
    this.buf += this.utf8.decode(bytes, { stream: true });
    this.advance(false);
  }

  pushText(text) {
    this.buf += text;
    this.advance(false);
    return this;
  }

  advance(last) {
    const text = this.buf;
    let p = this.pos;
    for (;;) {
      if (this.col) {
        // A point that starts before the last '[' in hand is complete (its
        // ']' and the separator after it come before that '[').
        const limit = last ? text.length : text.lastIndexOf('[');
        p = scanPoints(text, p, limit, this.col);
        if (!arrayEnded) break;
        this.col = null;
        continue;
      }
      const i = text.indexOf(KEY, p);
      if (i < 0) {
        // Keep a tail that could be the start of a key cut in two.
        const keep = last ? text.length : Math.max(p, text.length - KEY.length + 1);
        this.parts.push(text.slice(p, keep));
        p = keep;
        break;
      }
      this.parts.push(text.slice(p, i), `"columns":${this.columns.length}`);
      this.col = new Column();
      this.columns.push(this.col);
      p = i + KEY.length;
    }
    // Drop what is consumed so the text in hand stays small.
    this.buf = text.slice(p);
    this.pos = 0;
  }

  finish() {
    this.buf += this.utf8.decode();
    this.advance(true);
    if (this.col) throw new SyntaxError('query_range answer: a values array is not closed');
    const text = this.parts.join('');
    const json = JSON.parse(text);
    if (this.columns.length && json.data && Array.isArray(json.data.result)) {
      for (const s of json.data.result) {
        if (typeof s.columns === 'number') {
          const c = this.columns[s.columns];
          delete s.columns;
          s.ts = c.ts.subarray(0, c.n);
          s.vs = c.vs.subarray(0, c.n);
        }
      }
    }
    return json;
  }
}

export function decodeRangeResponse(text) {
  return new RangeDecoder().pushText(text).finish();
}
