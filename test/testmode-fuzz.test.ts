/**
 * Regressions found by the differential -bt fuzzer (bench/bt-fuzz.mjs):
 * malformed and odd commands, with real sendmail 8.17.1.9's stored output
 * for the same cf and input (recorded with unshare, host mail.example.com).
 */
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { expect, it } from "vitest";
import "../src/maps/index.js";
import { loadConfig } from "../src/config/loader.js";
import { Output, TestMode, BANNER } from "../src/testmode/index.js";

const CF = "V10/Berkeley\nDjmail.example.com\nSfoo\nR$*\t\t$@ $1\nMlocal,\tP=/bin/true, F=l, A=x $u\n";
const INPUT = ".\n.X\n=\n=X\n= S\n=s\n=Sfoo.bar\n=Sfoo bar\n=Sa$*b\n/tryf;lags ER\n/foo bar baz\n/try local \n/try local\n$*$\n$#\n$+\n$-\n$(\n$)\n$.\n$:\n$>\n$?\n$@\n$[\n$]\n$|\n$~\n$!\n$%\n$,\n$/\n$;\n$<\n$\\\n$^\n$}\n";
const REAL_OUTPUT = "ADDRESS TEST MODE (ruleset 3 NOT automatically invoked)\nEnter <ruleset> <address>\n> Usage: .[DC]macro value(s)\n> Unknown \".\" command .X\n> Usage: =Sruleset or =M\n> Unknown \"=\" command =X\n> Unknown \"=\" command = S\n> Unknown \"=\" command =s\n> R$* \t\t$@ $1 \n> R$* \t\t$@ $1 \n> Undefined ruleset a$*b\n> Unknown \"/\" command /tryf;lags\n> Unknown \"/\" command /foo\n> Usage: /try mailer address\n> Usage: /try mailer address\n> $*\n> $#\n> $+\n> $-\n> $(\n> $)\n> $.\n> $:\n> $>\n> $?\n> $@\n> $[\n> $]\n> $|\n> $~\n> Undefined\n> Undefined\n> Undefined\n> Undefined\n> Undefined\n> Undefined\n> Undefined\n> Undefined\n> Undefined\n> ";

it("odd -bt commands print what real sendmail prints", async () => {
  const dir = mkdtempSync(join(tmpdir(), "bt-fuzz-reg-"));
  const cfFile = join(dir, "t.cf");
  writeFileSync(cfFile, CF);
  const chunks: Buffer[] = [];
  const out = new Output((b) => chunks.push(b));
  const loaded = await loadConfig({ file: cfFile, print: (l) => out.line(l), hostName: "mail.example.com", opMode: "t" });
  out.write(BANNER);
  const tm = new TestMode(loaded, out);
  out.write("> ");
  for (const line of INPUT.split("\n").slice(0, -1)) {
    const r = tm.handle(line);
    if (r) await r;
    out.write("> ");
  }
  out.flush();
  expect(Buffer.concat(chunks).toString("latin1")).toBe(REAL_OUTPUT);
});
