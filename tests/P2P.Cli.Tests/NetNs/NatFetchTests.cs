using Xunit.Abstractions;

namespace P2P.Cli.Tests.NetNs;

/// <summary>
/// What issue 13 must show in CI: one public bootstrap node, and two nodes each behind its own home router of the
/// same kind (cone or symmetric). A file added behind router 1 is found through the DHT and fetched behind router
/// 2, byte-identical, with nothing configured but the one public bootstrap address (and listening on all
/// interfaces, as a user behind a router would). The adder finds itself unreachable, reserves a slot on the public
/// node and announces its blocks naming that relay; the fetcher reaches it through the relay, and behind cone NATs
/// the session then moves to a direct path (a symmetric NAT keeps it relayed).
/// </summary>
public sealed class NatFetchTests
{
    private const int Port = 4001;
    private const int FileMib = 1;

    private readonly ITestOutputHelper _output;

    public NatFetchTests(ITestOutputHelper output)
    {
        _output = output;
    }

    [SkippableTheory]
    [InlineData(NatKind.Cone)]
    [InlineData(NatKind.Symmetric)]
    public async Task Fetch_AcrossTwoNats_FindsTheProviderAndCopiesByteIdentical(NatKind kind)
    {
        NetNsTopology.SkipUnlessCanRun();
        using var lab = NatLab.Create(1, [new RouterSpec(kind), new RouterSpec(kind)], seed: 1300 + (int)kind);
        using var dir = new TempDir();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(120));
        var ct = timeout.Token;
        var daemons = new List<DaemonProcess>();
        string Logs() => string.Join("\n", daemons.Select((d, i) => $"--- {(i == 0 ? "public" : $"behind router {i}")} ---\n{d.Output}"));
        try
        {
            var (publicRepo, adderRepo, fetcherRepo) = (dir.Combine("public"), dir.Combine("adder"), dir.Combine("fetcher"));
            daemons.Add(await NatLab.StartDaemonAsync(lab.Public(0), publicRepo, $"/ip4/{lab.PublicAddress(0)}/udp/{Port}", [], ct));
            var seed = daemons[0].Address;
            daemons.Add(await NatLab.StartDaemonAsync(lab.Client(0, 0), adderRepo, $"/ip4/0.0.0.0/udp/{Port}", [seed], ct));
            daemons.Add(await NatLab.StartDaemonAsync(lab.Client(1, 0), fetcherRepo, $"/ip4/0.0.0.0/udp/{Port}", [seed], ct));
            var adder = SwarmFixture.PeerOf(daemons[1]);

            // Both NATed nodes must first reach the public one: that much works today, and a failure here is the lab's.
            foreach (var (ns, repo) in new[] { (lab.Client(0, 0), adderRepo), (lab.Client(1, 0), fetcherRepo) })
                await WaitUntilAsync(async () => (await Cli(ns, repo, "swarm", "peers")).Stdout.Contains(SwarmFixture.PeerOf(daemons[0]), StringComparison.Ordinal),
                    $"{ns} never connected to the public bootstrap node", Logs, ct);

            var (file, sha) = SwarmFixture.WriteRandomFile(dir.Combine("data.bin"), FileMib, seed: 1313);
            var add = await Cli(lab.Client(0, 0), adderRepo, "add", "-Q", file);
            Assert.True(add.ExitCode == 0, add.Stderr);
            var cid = add.Stdout.Trim();

            CliResult? findprovs = null;
            await WaitUntilAsync(async () =>
            {
                findprovs = await Cli(lab.Client(1, 0), fetcherRepo, "dht", "findprovs", cid);
                return findprovs.ExitCode == 0 && findprovs.Stdout.Contains(adder, StringComparison.Ordinal);
            }, $"the fetcher never found the adder {adder} as a provider of {cid}", () => $"last findprovs: exit {findprovs?.ExitCode} {findprovs?.Stdout}{findprovs?.Stderr}\n{Logs()}", ct);

            var copy = dir.Combine("copy.bin");
            var get = await Cli(lab.Client(1, 0), fetcherRepo, "get", cid, "-o", copy);
            _output.WriteLine($"{kind}: p2p get exited {get.ExitCode}: {get.Stderr.Trim()}");
            Assert.True(get.ExitCode == 0, $"p2p get {cid} behind router 2 exited {get.ExitCode}: {get.Stderr}\n{Logs()}");
            Assert.Equal(sha, SwarmFixture.Sha(copy));

            // How the fetcher reaches the adder: behind cone NATs the relayed session must turn into a punched one.
            CliResult? peers = null;
            await WaitUntilAsync(async () =>
            {
                peers = await Cli(lab.Client(1, 0), fetcherRepo, "swarm", "peers");
                var line = peers.StdoutLines.FirstOrDefault(l => l.Contains(adder, StringComparison.Ordinal));
                // Behind cone NATs the two may also have met directly: both dial each other while still DHT servers,
                // and the crossing dials punch the hole by themselves.
                // Behind symmetric NATs no direct path can open (a new port per destination): it must be the relay.
                return line is not null && line.EndsWith(" relayed", StringComparison.Ordinal) == (kind == NatKind.Symmetric);
            }, $"the fetcher's session with the adder {(kind == NatKind.Cone ? "stayed relayed" : "was not relayed")}", () => $"{peers?.Stdout}\n{Logs()}", ct);
            _output.WriteLine($"{kind}: {peers!.StdoutLines.First(l => l.Contains(adder, StringComparison.Ordinal))}");
        }
        finally
        {
            foreach (var daemon in daemons)
                await daemon.DisposeAsync();
        }
    }

    private static Task<CliResult> Cli(string ns, string repo, params string[] args) => CliRunner.RunInNamespaceAsync(ns, repo, null, args);

    /// <summary>Checks <paramref name="condition"/> every 250 ms until it holds; fails at the deadline with <paramref name="detail"/>.</summary>
    private static async Task WaitUntilAsync(Func<Task<bool>> condition, string what, Func<string> detail, CancellationToken ct)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromMilliseconds(250));
        while (!await condition())
        {
            if (ct.IsCancellationRequested || !await timer.WaitForNextTickAsync(CancellationToken.None) || ct.IsCancellationRequested)
                Assert.Fail($"{what} before the deadline\n{detail()}");
        }
    }
}
