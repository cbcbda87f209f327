using System.Globalization;
using System.Net;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace P2P.Cli.Tests.NetNs;

/// <summary>
/// Issue 13, item 5: a real `p2p daemon` behind a home router running Debian's miniupnpd obtains a port mapping
/// (PCP when the router speaks it, UPnP IGD when it does not), its external address is the router's internet-side
/// address, a peer on the internet side connects to the node through the mapped port, and the mapping is gone from
/// the router once the daemon stops.
/// </summary>
public partial class PortMappingNetNsTests
{
    [SkippableTheory]
    [InlineData("pcp", true, 1301)]
    [InlineData("upnp", false, 1302)]
    public async Task Daemon_BehindMiniUpnpd_IsMappedAndReachableFromTheInternetSide(string method, bool natPmp, int seed)
    {
        MiniUpnpdRouter.SkipUnlessCanRun();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(90));
        var ct = timeout.Token;
        using var router = await MiniUpnpdRouter.StartAsync(seed, natPmp, ct);
        using var dir = new TempDir();
        var clientRepo = dir.Combine("client");
        var peerRepo = dir.Combine("peer");
        var clientListen = $"/ip4/{router.ClientAddress}/udp/4001";
        await InitAsync(clientRepo, clientListen, router.ClientAddress, bootstrap: null, ct);
        await using var client = await DaemonProcess.StartAsync(clientRepo, ct, router.Client, clientListen);

        var obtained = await WaitForAsync(() => MappingLine().Match(client.Output) is { Success: true } m ? m : null,
            () => $"no mapping obtained\n{client.Output}\n--- miniupnpd ---\n{router.MiniUpnpdLog}", ct);
        Assert.Equal(method, obtained.Groups["method"].Value);
        var external = IPEndPoint.Parse(obtained.Groups["external"].Value);
        Assert.Equal(router.RouterWan, external.Address);
        Assert.Contains("dnat ip to " + router.ClientAddress, router.ForwardingRules(), StringComparison.Ordinal);

        // The peer knows only the mapped endpoint; a connection proves the router forwards it to the node's UDP port.
        var peerListen = $"/ip4/{router.PeerAddress}/udp/4001";
        var clientPeerId = SwarmFixture.PeerOf(client);
        var viaMapping = $"/ip4/{external.Address}/udp/{external.Port.ToString(CultureInfo.InvariantCulture)}/p2p/{clientPeerId}";
        await InitAsync(peerRepo, peerListen, router.PeerAddress, viaMapping, ct);
        await using var peer = await DaemonProcess.StartAsync(peerRepo, ct, router.Peer, peerListen);
        await WaitForAsync(async () =>
        {
            var r = await CliRunner.RunInNamespaceAsync(router.Peer, peerRepo, null, "swarm", "peers");
            return r.ExitCode == 0 && r.Stdout.Contains(clientPeerId, StringComparison.Ordinal) ? "" : null;
        }, () => $"the peer never connected through {viaMapping}\n{peer.Output}\n--- client ---\n{client.Output}", ct);

        // With a peer to ask, the node's dial-back check gets its probe through the mapping: it is public, and says so.
        CliResult? addrs = null;
        await WaitForAsync(async () =>
        {
            addrs = await CliRunner.RunInNamespaceAsync(router.Client, clientRepo, null, "swarm", "addrs");
            return addrs.ExitCode == 0 && addrs.Stdout.Contains("reachability public", StringComparison.Ordinal) ? "" : null;
        }, () => $"the node never found itself public\n{addrs?.Stdout}{addrs?.Stderr}\n{client.Output}", ct);
        Assert.Contains($"mapped    /ip4/{external.Address}/udp/{external.Port.ToString(CultureInfo.InvariantCulture)}/p2p/{clientPeerId}", addrs!.Stdout, StringComparison.Ordinal);

        Assert.Equal(0, await client.StopAsync(ct));
        Assert.Contains("Port mapping deleted", client.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("dnat", router.ForwardingRules(), StringComparison.Ordinal);
    }

    private static async Task InitAsync(string repo, string listen, IPAddress address, string? bootstrap, CancellationToken ct)
    {
        var r = await CliRunner.RunAsync(repo, "init");
        Assert.True(r.ExitCode == 0, r.Stderr);
        var path = Path.Combine(repo, "config.json");
        var config = JsonSerializer.Deserialize<Dictionary<string, JsonElement>>(await File.ReadAllTextAsync(path, ct))!;
        config["listen"] = JsonSerializer.SerializeToElement(listen);
        config["gateway"] = JsonSerializer.SerializeToElement($"{address}:8080");
        config["nat"] = JsonSerializer.SerializeToElement(new { portMapping = true });
        if (bootstrap is not null)
            config["bootstrap"] = JsonSerializer.SerializeToElement(new[] { bootstrap });
        await File.WriteAllTextAsync(path, JsonSerializer.Serialize(config), ct);
    }

    private static async Task<T> WaitForAsync<T>(Func<T?> probe, Func<string> describe, CancellationToken ct) where T : class =>
        await WaitForAsync(() => Task.FromResult(probe()), describe, ct);

    private static async Task<T> WaitForAsync<T>(Func<Task<T?>> probe, Func<string> describe, CancellationToken ct) where T : class
    {
        using var timer = new PeriodicTimer(TimeSpan.FromMilliseconds(200));
        while (true)
        {
            if (await probe() is { } value)
                return value;
            if (ct.IsCancellationRequested || !await timer.WaitForNextTickAsync(CancellationToken.None) || ct.IsCancellationRequested)
                Assert.Fail($"condition not met before the deadline: {describe()}");
        }
    }

    [GeneratedRegex(@"Port mapping obtained: (?<method>\S+) udp (?<external>[0-9.]+:\d+)")]
    private static partial Regex MappingLine();
}
