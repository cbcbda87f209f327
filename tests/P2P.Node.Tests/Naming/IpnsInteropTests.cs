using P2P.Tests.Interop;
using System.Text.Json;
using P2P.Node.Naming;
using P2P.Node.Security;

namespace P2P.Node.Tests.Naming;

/// <summary>
/// IPNS records both ways with the reference JavaScript library (npm ipns, tests/interop/ipns/interop.mjs): a record
/// p2p makes passes the library's ipnsValidator and validate, with the same signed CBOR bytes the library would
/// write; a record the library makes passes p2p's validator with every field read back; both print the same name.
/// Without node and npm the test is skipped with the reason; under CI=true it fails (scripts/test.sh installs them).
/// </summary>
public sealed class IpnsInteropTests
{
    private const string Packages = "ipns@10.1.6 @libp2p/crypto@5.1.23 @libp2p/peer-id@6.0.15";
    private static readonly DateTimeOffset Eol = new DateTimeOffset(2126, 1, 1, 0, 0, 0, TimeSpan.Zero).AddTicks(1234567);

    [SkippableTheory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task RecordMadeByP2p_ValidatesInTheReferenceLibrary(bool v1Compatible)
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromMinutes(5));
        var dir = await InstallAsync(cts.Token);
        using var key = KeyFromSeed(new Random(16).GetItems<byte>(Enumerable.Range(0, 256).Select(i => (byte)i).ToArray(), 32));
        var name = IpnsName.FromPeerId(key.PeerId);
        var record = IpnsRecord.Create(key, "/ipfs/bafkqaddwgevxmmraojswg33smq", 12, Eol, TimeSpan.FromSeconds(42), v1Compatible);

        var answer = await RunAsync(dir, ["check", name.ToString(), Convert.ToBase64String(record)], cts.Token);

        Assert.True(answer.GetProperty("ok").GetBoolean(), answer.ToString());
        Assert.Equal(name.ToString(), answer.GetProperty("name").GetString());
        Assert.Equal(key.PeerId.ToString(), answer.GetProperty("peerId").GetString());
        Assert.Equal("/ipfs/bafkqaddwgevxmmraojswg33smq", answer.GetProperty("value").GetString());
        Assert.Equal("12", answer.GetProperty("sequence").GetString());
        Assert.Equal("2126-01-01T00:00:00.1234567Z", answer.GetProperty("validity").GetString());
        Assert.Equal("42000000000", answer.GetProperty("ttl").GetString());
        Assert.Equal(v1Compatible, answer.GetProperty("v1").GetBoolean());
        Assert.True(answer.GetProperty("cborIdentical").GetBoolean(), "the library encodes the same data to other bytes");
    }

    [SkippableTheory]
    [InlineData("v2")]
    [InlineData("v1")]
    public async Task RecordMadeByTheReferenceLibrary_ValidatesInP2p(string version)
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromMinutes(5));
        var dir = await InstallAsync(cts.Token);
        var seed = new Random(17).GetItems<byte>(Enumerable.Range(0, 256).Select(i => (byte)i).ToArray(), 32);
        using var key = KeyFromSeed(seed);

        var answer = await RunAsync(dir, ["make", Convert.ToHexStringLower(seed), "/ipns/example.org", "99", "2126-06-01T12:00:00.5Z", "7000000000", version], cts.Token);

        var name = IpnsName.FromPeerId(key.PeerId);
        Assert.Equal(name.ToString(), answer.GetProperty("name").GetString());
        Assert.Equal(key.PeerId.ToString(), answer.GetProperty("peerId").GetString());
        var bytes = Convert.FromBase64String(answer.GetProperty("record").GetString()!);
        Assert.True(IpnsValidator.Validate(name, bytes, IpnsVectors.Now, out var record, out _, out var reason), reason);
        Assert.Equal("/ipns/example.org", record!.Value);
        Assert.Equal(99UL, record.Sequence);
        Assert.Equal(new DateTimeOffset(2126, 6, 1, 12, 0, 0, 500, TimeSpan.Zero), record.Validity);
        Assert.Equal(TimeSpan.FromSeconds(7), record.Ttl);
        Assert.Equal(version == "v1", record.HasV1Fields);
        // A record of the library for another name is refused: the check is not a rubber stamp.
        using var other = NodeIdentity.Generate();
        Assert.False(IpnsValidator.Validate(IpnsName.FromPeerId(other.PeerId), bytes, IpnsVectors.Now, out _));
    }

    private static NodeIdentity KeyFromSeed(byte[] seed) => NodeIdentity.FromPrivateKey(seed);

    private static async Task<JsonElement> RunAsync(string dir, string[] args, CancellationToken ct)
    {
        var (code, output) = await NpmPackage.RunAsync("node", [Script(), .. args], dir, ct, ("IPNS_INTEROP_DIR", dir));
        var line = output.Split('\n', StringSplitOptions.RemoveEmptyEntries).FirstOrDefault(l => l.StartsWith('{')) ?? throw new InvalidOperationException($"node exited {code}: {output}");
        return JsonDocument.Parse(line).RootElement.Clone();
    }

    private static string Script() => NpmPackage.Script("ipns", "interop.mjs");

    /// <summary>The library and what it needs, installed once per machine outside the source tree (tests/Shared/NpmPackage.cs).</summary>
    private static Task<string> InstallAsync(CancellationToken ct) =>
        NpmPackage.InstallAsync("ipns-interop-10.1.6", Packages.Split(' '), "ipns", "IPNS interop", ct);
}
