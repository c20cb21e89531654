// Checks a gadget XML before it is packaged: the things Finesse requires of a third-party
// gadget (developer guide chapters 8 and 9) that a mistake would only reveal on a real desktop.
//   node scripts/check-gadget-xml.mjs gadgets/<name>/<name>.xml
// Exits 1 with the reasons when the file breaks a rule.
import { readFileSync } from 'node:fs';

const file = process.argv[2];
const xml = readFileSync(file, 'utf8');
const problems = [];
if (!/^<\?xml[^>]*\?>/.test(xml)) problems.push('the first line must be the XML declaration');
if (!/<Module[\s>]/.test(xml) || !/<\/Module>\s*$/.test(xml)) problems.push('the root element must be <Module>');
if (!/<Require\s+feature="pubsub-2"\s*\/>/.test(xml)) problems.push('<Require feature="pubsub-2"/> is required');
for (const m of xml.matchAll(/<UserPref\b[^>]*>/g)) {
  if (!/datatype="hidden"/.test(m[0])) problems.push(`a UserPref that is not hidden prompts the agent: ${m[0]}`);
}
const content = xml.match(/<Content\b[^>]*>([\s\S]*?)<\/Content>/);
if (!content) {
  problems.push('no <Content>');
} else {
  const body = content[1];
  // Finesse's container filters these characters in CSS inside gadget XML (chapter 8, "Handling
  // Special Characters in CSS"): keep CSS in files and inject them.
  if (/<style[\s>]/i.test(body)) problems.push('CSS inside the gadget XML: put it in a file and inject it');
  for (const m of body.matchAll(/\sstyle="([^"]*)"/gi)) {
    if (/[@^$*~]/.test(m[1])) problems.push(`inline style with a character Finesse filters: ${m[0]}`);
  }
  if (/\b(alert|prompt|confirm|showModalDialog)\s*\(/.test(body)) problems.push('window.alert/prompt/confirm block the desktop');
}
if (problems.length) {
  console.error(`${file}:\n  ${problems.join('\n  ')}`);
  process.exit(1);
}
