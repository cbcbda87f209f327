using System.Net;
using System.Net.Sockets;
using System.Text;
using Xunit.Abstractions;

namespace P2P.Cli.Tests.NetNs;

/// <summary>
/// The NAT lab itself: that its two router kinds really are a cone and a symmetric NAT, and that both drop what
/// nobody asked for. UDP sockets opened inside the namespaces stand in for peers (no daemon, a second or so each).
/// </summary>
public sealed class NatLabTests
{
    private const int ClientPort = 5000;
    private const int EchoPort = 7000;
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(10);

    private readonly ITestOutputHelper _output;

    public NatLabTests(ITestOutputHelper output)
    {
        _output = output;
    }

    [Fact]
    public void NatRuleset_EachKind_MasqueradesOnWanAndDropsTheUnsolicited()
    {
        var cone = NatLab.NatRuleset(NatKind.Cone, []);
        var symmetric = NatLab.NatRuleset(NatKind.Symmetric, [(IPAddress.Parse("10.1.0.10"), 4001)]);
        Assert.Contains("oifname \"wan0\" masquerade\n", cone, StringComparison.Ordinal);
        Assert.DoesNotContain("random", cone, StringComparison.Ordinal);
        Assert.DoesNotContain("dnat to", cone, StringComparison.Ordinal);
        Assert.Contains("masquerade random,fully-random", symmetric, StringComparison.Ordinal);
        Assert.Contains("udp dport 4001 dnat to 10.1.0.10:4001", symmetric, StringComparison.Ordinal);
        Assert.Contains("counter name \"unsolicited\" drop", cone, StringComparison.Ordinal);
    }

    [SkippableFact]
    public async Task ConeRouter_TwoDestinations_SeeTheWanAddressWithOneExternalPort()
    {
        NetNsTopology.SkipUnlessCanRun();
        using var lab = NatLab.Create(2, [new RouterSpec(NatKind.Cone)], seed: 31);
        var seen = await ExternalEndPointsAsync(lab, [(0, EchoPort), (1, EchoPort)]);
        Assert.All(seen, e => Assert.Equal(lab.RouterWan(0), e.Address));
        Assert.Equal(seen[0].Port, seen[1].Port);
    }

    [SkippableFact]
    public async Task SymmetricRouter_ThreeDestinations_GetDifferentExternalPorts()
    {
        NetNsTopology.SkipUnlessCanRun();
        using var lab = NatLab.Create(2, [new RouterSpec(NatKind.Symmetric)], seed: 32);
        // Two hosts and two ports on one host: the mapping changes with the destination's address and its port.
        var seen = await ExternalEndPointsAsync(lab, [(0, EchoPort), (1, EchoPort), (0, EchoPort + 1)]);
        Assert.All(seen, e => Assert.Equal(lab.RouterWan(0), e.Address));
        // fully-random draws each port at random, so two of the three may coincide (about 1 in 20,000); all three
        // alike (about 1 in 10^9) would mean the mapping does not depend on the destination.
        Assert.True(seen.Select(e => e.Port).Distinct().Count() >= 2, $"one external port for every destination: {string.Join(", ", seen)}");
    }

    [SkippableTheory]
    [InlineData(NatKind.Cone)]
    [InlineData(NatKind.Symmetric)]
    public async Task Router_UnsolicitedInbound_IsDroppedWhileRepliesPass(NatKind kind)
    {
        NetNsTopology.SkipUnlessCanRun();
        using var lab = NatLab.Create(2, [new RouterSpec(kind)], seed: 33 + (int)kind);
        using var ct = new CancellationTokenSource(Deadline);
        using var client = NatLab.UdpSocket(lab.Client(0, 0), new IPEndPoint(lab.ClientAddress(0, 0), ClientPort));
        using var peer = NatLab.UdpSocket(lab.Public(0), new IPEndPoint(lab.PublicAddress(0), EchoPort));
        using var stranger = NatLab.UdpSocket(lab.Public(1), new IPEndPoint(lab.PublicAddress(1), EchoPort));
        using var peerOtherPort = NatLab.UdpSocket(lab.Public(0), new IPEndPoint(lab.PublicAddress(0), EchoPort + 1));

        await client.SendToAsync(Encoding.ASCII.GetBytes("hello"), new IPEndPoint(lab.PublicAddress(0), EchoPort), ct.Token);
        var mapped = (IPEndPoint)(await ReceiveAsync(peer, ct.Token)).Remote;
        var before = lab.UnsolicitedDrops(0);

        // To the mapped port: from another host, and from the peer's host but another port. Then one to a port with
        // no mapping at all. None may reach the client; the router counts each as it drops it.
        await stranger.SendToAsync(Encoding.ASCII.GetBytes("stranger"), mapped, ct.Token);
        await peerOtherPort.SendToAsync(Encoding.ASCII.GetBytes("other port"), mapped, ct.Token);
        await stranger.SendToAsync(Encoding.ASCII.GetBytes("no mapping"), new IPEndPoint(lab.RouterWan(0), mapped.Port == 9 ? 10 : 9), ct.Token);
        // The reply from the exact address and port the client wrote to still passes: the path is open, only filtered.
        // It crosses the same bridge and router after the three, so once it arrives they have been counted.
        await peer.SendToAsync(Encoding.ASCII.GetBytes("reply"), mapped, ct.Token);
        var reply = await ReceiveAsync(client, ct.Token);
        Assert.Equal("reply", reply.Text);
        Assert.Equal(before + 3, lab.UnsolicitedDrops(0));
        Assert.Equal(new IPEndPoint(lab.PublicAddress(0), EchoPort), reply.Remote);
        Assert.Equal(0, client.Available);
        _output.WriteLine($"{kind}: mapping {lab.ClientAddress(0, 0)}:{ClientPort} -> {mapped}; {lab.UnsolicitedDrops(0) - before} unsolicited packets dropped");
    }

    [SkippableFact]
    public async Task Router_WithAForward_PassesInboundToTheClient()
    {
        NetNsTopology.SkipUnlessCanRun();
        using var lab = NatLab.Create(1, [new RouterSpec(NatKind.Cone, Forwards: [new PortForward(0, ClientPort)])], seed: 35);
        using var ct = new CancellationTokenSource(Deadline);
        using var client = NatLab.UdpSocket(lab.Client(0, 0), new IPEndPoint(lab.ClientAddress(0, 0), ClientPort));
        using var outside = NatLab.UdpSocket(lab.Public(0), new IPEndPoint(lab.PublicAddress(0), EchoPort));
        await outside.SendToAsync(Encoding.ASCII.GetBytes("in"), new IPEndPoint(lab.RouterWan(0), ClientPort), ct.Token);
        var got = await ReceiveAsync(client, ct.Token);
        Assert.Equal("in", got.Text);
        Assert.Equal(new IPEndPoint(lab.PublicAddress(0), EchoPort), got.Remote);
    }

    [SkippableFact]
    public void Create_ThenDispose_LeavesNoNamespaceBehind()
    {
        NetNsTopology.SkipUnlessCanRun();
        string[] names;
        using (var lab = NatLab.Create(2, [new RouterSpec(NatKind.Cone, Clients: 2), new RouterSpec(NatKind.Symmetric)], seed: 36))
        {
            names = [lab.Internet, lab.Public(0), lab.Public(1), lab.Router(0), lab.Router(1), lab.Client(0, 0), lab.Client(0, 1), lab.Client(1, 0)];
            Assert.All(names, n => Assert.Contains(n, ListNamespaces()));
            var route = NatLab.Exec(lab.Client(0, 1), "ip", "route", "show", "default");
            Assert.Contains($"via {lab.RouterLan(0)}", route, StringComparison.Ordinal);
            Assert.Contains("fully-random", NatLab.Exec(lab.Router(1), "nft", "list", "table", "ip", NatLab.NatTable), StringComparison.Ordinal);
        }
        var left = ListNamespaces();
        Assert.All(names, n => Assert.DoesNotContain(n, left));
    }

    /// <summary>
    /// The client of router 0 writes from one socket to each (public node, port) in <paramref name="targets"/>;
    /// returns the source each target saw, i.e. the router's external endpoint for that destination.
    /// </summary>
    private static async Task<IPEndPoint[]> ExternalEndPointsAsync(NatLab lab, (int Node, int Port)[] targets)
    {
        using var ct = new CancellationTokenSource(Deadline);
        using var client = NatLab.UdpSocket(lab.Client(0, 0), new IPEndPoint(lab.ClientAddress(0, 0), ClientPort));
        var sockets = targets.Select(t => NatLab.UdpSocket(lab.Public(t.Node), new IPEndPoint(lab.PublicAddress(t.Node), t.Port))).ToArray();
        try
        {
            var seen = new IPEndPoint[targets.Length];
            for (var i = 0; i < targets.Length; i++)
            {
                await client.SendToAsync(Encoding.ASCII.GetBytes($"probe {i}"), sockets[i].LocalEndPoint!, ct.Token);
                var got = await ReceiveAsync(sockets[i], ct.Token);
                Assert.Equal($"probe {i}", got.Text);
                seen[i] = (IPEndPoint)got.Remote;
            }
            return seen;
        }
        finally
        {
            foreach (var s in sockets)
                s.Dispose();
        }
    }

    private static async Task<(string Text, EndPoint Remote)> ReceiveAsync(Socket socket, CancellationToken ct)
    {
        var buffer = new byte[1500];
        var result = await socket.ReceiveFromAsync(buffer, new IPEndPoint(IPAddress.Any, 0), ct);
        return (Encoding.ASCII.GetString(buffer, 0, result.ReceivedBytes), result.RemoteEndPoint);
    }

    private static HashSet<string> ListNamespaces() =>
        HostCommand.Run("ip", "netns", "list").Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l.Split(' ')[0]).ToHashSet();
}
