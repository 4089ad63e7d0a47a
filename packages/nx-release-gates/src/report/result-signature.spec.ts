import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { outputHashes, signatureFile, signGateOutputs, signingKeyFrom, trustedKeyFrom, verifyGateOutputs, withReplayChecked } from './result-signature';
import type { TableRow } from './table';

const trusted = crypto.generateKeyPairSync('ed25519');
const pem = (key: crypto.KeyObject) => key.export({ type: key.type === 'private' ? 'pkcs8' : 'spki', format: 'pem' }).toString();

let root: string;
beforeEach(() => {
  root = fs.mkdtempSync(path.join(os.tmpdir(), 'nrg-signature-'));
  fs.mkdirSync(path.join(root, 'dist/release-gates/app/bin'), { recursive: true });
  fs.writeFileSync(path.join(root, 'dist/release-gates/app/gate-build.json'), '{"status":"passed"}\n');
  fs.writeFileSync(path.join(root, 'dist/release-gates/app/bin/app'), 'ELF');
});
afterEach(() => fs.rmSync(root, { recursive: true, force: true }));

describe('outputHashes', () => {
  it('hashes the result and every file of the gate’s extra outputs, not its own signature', () => {
    signGateOutputs(root, 'app', 'gate-build', 'h1', trusted.privateKey);
    expect(Object.keys(outputHashes(root, 'app', 'gate-build')).sort()).toEqual(['dist/release-gates/app/bin/app', 'dist/release-gates/app/gate-build.json']);
  });
});

describe('signGateOutputs / verifyGateOutputs', () => {
  it('verifies what it signed, beside the result', () => {
    expect(signGateOutputs(root, 'app', 'gate-build', 'h1', trusted.privateKey)).toBe(signatureFile(root, 'app', 'gate-build'));
    expect(verifyGateOutputs(root, 'app', 'gate-build', 'h1', trusted.publicKey)).toEqual({ trusted: true });
  });

  it('does not trust a changed binary, a changed result, another task hash or no signature', () => {
    signGateOutputs(root, 'app', 'gate-build', 'h1', trusted.privateKey);
    expect(verifyGateOutputs(root, 'app', 'gate-build', 'h2', trusted.publicKey).trusted).toBe(false);
    fs.writeFileSync(path.join(root, 'dist/release-gates/app/bin/app'), 'ELF!');
    expect(verifyGateOutputs(root, 'app', 'gate-build', 'h1', trusted.publicKey)).toEqual({ trusted: false, why: 'dist/release-gates/app/bin/app changed after it was signed' });
    fs.rmSync(signatureFile(root, 'app', 'gate-build'));
    expect(verifyGateOutputs(root, 'app', 'gate-build', 'h1', trusted.publicKey)).toEqual({ trusted: false, why: 'no signature' });
  });

  it('does not trust a signature file that is not JSON', () => {
    fs.writeFileSync(signatureFile(root, 'app', 'gate-build'), 'garbage');
    expect(verifyGateOutputs(root, 'app', 'gate-build', 'h1', trusted.publicKey).trusted).toBe(false);
  });
});

describe('the keys a run holds', () => {
  it('has none when the variables are unset or empty', () => {
    expect(signingKeyFrom({}, root)).toBeNull();
    expect(trustedKeyFrom({ NX_RELEASE_GATES_TRUSTED_KEY: '' }, root)).toBeNull();
  });

  it('reads PEM text, or a file relative to the workspace root', () => {
    expect(signingKeyFrom({ NX_RELEASE_GATES_SIGNING_KEY: pem(trusted.privateKey) }, root)?.type).toBe('private');
    fs.writeFileSync(path.join(root, 'release-gates.pub'), pem(trusted.publicKey));
    expect(trustedKeyFrom({ NX_RELEASE_GATES_TRUSTED_KEY: 'release-gates.pub' }, root)?.type).toBe('public');
  });

  it('refuses a missing file or a key of the wrong kind in one line that says how to fix it', () => {
    expect(() => trustedKeyFrom({ NX_RELEASE_GATES_TRUSTED_KEY: 'missing.pub' }, root)).toThrow(
      /^NX_RELEASE_GATES_TRUSTED_KEY \(missing\.pub\): cannot read the key file \(ENOENT\); set it to the path of the committed ed25519 public key/,
    );
    expect(() => signingKeyFrom({ NX_RELEASE_GATES_SIGNING_KEY: pem(trusted.publicKey) }, root)).toThrow(/^NX_RELEASE_GATES_SIGNING_KEY is not a PEM private key .*; set it to an ed25519 private key in PEM/);
  });
});

describe('withReplayChecked (a run outside release-dry-run)', () => {
  const row: TableRow = { project: 'app', gate: 'gate-build', status: 'passed', source: 'remote cache', durationMs: 9, figure: '1 binary', reason: 'built' };

  it('keeps a signed replay and what the run itself computed', () => {
    signGateOutputs(root, 'app', 'gate-build', 'h1', trusted.privateKey);
    expect(withReplayChecked(root, row, { hash: 'h1' }, trusted.publicKey)).toBe(row);
    const ran = { ...row, source: 'ran' };
    expect(withReplayChecked(root, ran, { hash: 'h2' }, 'unreadable key')).toBe(ran);
  });

  it('fails an unsigned replay and removes its outputs, so no step after the run packs its binary', () => {
    const checked = withReplayChecked(root, row, { hash: 'h1' }, trusted.publicKey);
    expect(checked).toMatchObject({ status: 'failed', figure: '', reason: 'replay not signed by a trusted run (no signature); its outputs were removed: run it again with --skip-nx-cache' });
    expect(fs.existsSync(path.join(root, 'dist/release-gates/app/bin'))).toBe(false);
    expect(fs.existsSync(path.join(root, 'dist/release-gates/app/gate-build.json'))).toBe(false);
  });

  it('fails every replay when the trusted key cannot be read', () => {
    expect(withReplayChecked(root, row, { hash: 'h1' }, 'NX_RELEASE_GATES_TRUSTED_KEY (x.pub): cannot read the key file (ENOENT)').reason).toMatch(/^replay not signed by a trusted run \(NX_RELEASE_GATES_TRUSTED_KEY/);
  });
});
