import type { CrateModel } from '../../model/crate-model';
import { describeManifest, groupManifests } from '../../parsers/manifest-groups';
import { factsByManifest, cargoCrateFacts, CrateFactsError } from './crate-facts';

jest.mock('../../ops/read-crates', () => ({ readCargoWorkspace: jest.fn() }));
const { readCargoWorkspace } = jest.requireMock('../../ops/read-crates') as { readCargoWorkspace: jest.Mock };

const xFind = describeManifest('x-find/Cargo.toml', '[package]\nname = "x-find"\nversion = "0.1.0"\n\n[[bin]]\nname = "x"\npath = "src/main.rs"\n');
const group = groupManifests([xFind])[0];
const crate = (change: Partial<CrateModel>) => ({ name: 'x-find', manifestPath: 'x-find/Cargo.toml', binaries: ['x'], hasLibrary: false, ...change }) as CrateModel;

describe('cargoCrateFacts', () => {
  it("takes the binaries from cargo metadata's bin targets, and whether it has a library", async () => {
    readCargoWorkspace.mockResolvedValueOnce([crate({ binaries: ['x', 'a'], hasLibrary: true })]);
    await expect(cargoCrateFacts('/ws', group)).resolves.toEqual([{ manifestPath: 'x-find/Cargo.toml', binaries: ['a', 'x'], hasLibrary: true }]);
    expect(readCargoWorkspace).toHaveBeenCalledWith(group, '/ws');
  });

  it('fails with one line naming the manifest and cargo\'s reason when cargo metadata cannot read it', async () => {
    const reason = 'cargo was not found on PATH; install Rust (https://rustup.rs)';
    readCargoWorkspace.mockResolvedValue([crate({ binaries: [], error: reason })]);
    await expect(cargoCrateFacts('/ws', group)).rejects.toThrow(CrateFactsError);
    const message = await cargoCrateFacts('/ws', group).catch((e: Error) => e.message);
    expect(message).toBe(`cannot tell which binaries x-find/Cargo.toml builds (cargo metadata): ${reason}`);
    expect(message).not.toContain('\n');
  });
});

describe('factsByManifest', () => {
  it('maps each manifest to the facts reported for it', async () => {
    const fact = { manifestPath: 'x-find/Cargo.toml', binaries: ['x'], hasLibrary: false };
    const found = await factsByManifest(async () => [fact], '/ws', [group]);
    expect([...found]).toEqual([['x-find/Cargo.toml', fact]]);
  });

  it('refuses to guess for a package the facts leave out', async () => {
    await expect(factsByManifest(async () => [], '/ws', [group])).rejects.toThrow(
      /^cargo metadata did not report the package of x-find\/Cargo.toml; check that its Cargo workspace lists it \(members\) and run again$/,
    );
  });
});
