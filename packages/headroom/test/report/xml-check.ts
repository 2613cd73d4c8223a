// A small XML well-formedness check for the SVG files the reports write: one root element, every
// tag closed in order, attributes quoted and not repeated, no raw "<" or stray "&" in text or
// attribute values, only the five predefined entities or character references.
import assert from "node:assert/strict";

const NAME = "[A-Za-z_][\\w.:-]*";
const ATTR = new RegExp(`\\s+(${NAME})\\s*=\\s*"([^"]*)"`, "y");
const ENTITY = /&(?!(?:amp|lt|gt|quot|apos|#\d+|#x[0-9a-fA-F]+);)/;

export function assertWellFormedXml(xml: string, name = "document"): void {
  let i = 0;
  const stack: string[] = [];
  let roots = 0;
  const fail = (why: string): never => assert.fail(`${name}: not well-formed XML at offset ${i}: ${why} near ${JSON.stringify(xml.slice(Math.max(0, i - 40), i + 40))}`);
  const text = (s: string): void => {
    if (s.includes("<")) fail("a raw < in text");
    if (ENTITY.test(s)) fail("an & that starts no entity");
    if (stack.length === 0 && s.trim() !== "") fail("text outside the root element");
  };
  if (xml.startsWith("<?xml")) {
    const end = xml.indexOf("?>");
    if (end < 0) fail("an unterminated XML declaration");
    i = end + 2;
  }
  while (i < xml.length) {
    const lt = xml.indexOf("<", i);
    if (lt < 0) {
      text(xml.slice(i));
      break;
    }
    text(xml.slice(i, lt));
    i = lt;
    if (xml.startsWith("<!--", i)) {
      const end = xml.indexOf("-->", i);
      if (end < 0) fail("an unterminated comment");
      i = end + 3;
      continue;
    }
    if (xml.startsWith("</", i)) {
      const m = new RegExp(`</(${NAME})\\s*>`, "y");
      m.lastIndex = i;
      const found = m.exec(xml);
      if (!found) fail("a malformed end tag");
      if (stack.pop() !== found![1]) fail(`</${found![1]}> closes another element`);
      i = m.lastIndex;
      continue;
    }
    const open = new RegExp(`<(${NAME})`, "y");
    open.lastIndex = i;
    const tag = open.exec(xml);
    if (!tag) fail("a malformed start tag");
    i = open.lastIndex;
    const seen = new Set<string>();
    for (;;) {
      ATTR.lastIndex = i;
      const a = ATTR.exec(xml);
      if (!a) break;
      if (seen.has(a[1]!)) fail(`attribute ${a[1]} repeated`);
      seen.add(a[1]!);
      if (a[2]!.includes("<")) fail(`a raw < in attribute ${a[1]}`);
      if (ENTITY.test(a[2]!)) fail(`an & that starts no entity in attribute ${a[1]}`);
      i = ATTR.lastIndex;
    }
    const close = /\s*(\/?)>/y;
    close.lastIndex = i;
    const c = close.exec(xml);
    if (!c) fail(`<${tag![1]}> has a malformed attribute or no end`);
    i = close.lastIndex;
    if (stack.length === 0) roots++;
    if (roots > 1) fail("a second root element");
    if (c![1] !== "/") stack.push(tag![1]!);
  }
  if (stack.length) fail(`unclosed <${stack.join("> <")}>`);
  if (roots !== 1) fail("no root element");
}
