using System.Net;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using P2P.Node.Hosting.Discovery;
using P2P.Node.Multiformats;

namespace P2P.Node.Tests.Hosting.Discovery;

/// <summary>
/// The discovery logic on a fake clock with a recording link and a fake dial: what it multicasts and when, whom it
/// dials, and the bounds (own records, other subnets and ports, peer cap, dial rate, backoff, malformed packets).
/// </summary>
public sealed class LanDiscoveryTests : IAsyncLifetime
{
    private static readonly LanInterface Eth0 = new(2, "eth0", IPAddress.Parse("10.7.0.1"), 24);
    private static readonly PeerId Self = Id(1);

    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));
    private readonly RecordingLink _link = new();
    private readonly List<Multiaddr> _dialled = [];
    private readonly HashSet<PeerId> _connected = [];
    private readonly LanDiscovery _discovery;
    private TaskCompletionSource<bool>? _pendingDial;

    public LanDiscoveryTests()
    {
        _discovery = new LanDiscovery(Self, 4001, [Eth0], _link, Dial, p => _connected.Contains(p),
            new LanDiscoveryOptions(), _time, new Random(13), NullLogger.Instance);
    }

    [Fact]
    public void Start_MulticastsAQueryAndAnAnnouncement_AgainOneSecondLater_ThenEveryInterval()
    {
        _discovery.Start();
        Assert.Equal(["query", "announce"], _link.Kinds());
        _time.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(["query", "announce", "announce"], _link.Kinds());
        _time.Advance(TimeSpan.FromSeconds(9));
        Assert.Equal(["query", "announce", "announce", "query", "announce"], _link.Kinds());
        var addresses = LanRecords.Addresses(Read(_link.Sent[1].Message), out _, out _);
        Assert.Equal($"/ip4/10.7.0.1/udp/4001/p2p/{Self}", Assert.Single(addresses).ToString());
    }

    [Fact]
    public void Receive_APeersAnnouncement_DialsItsAddressOnce()
    {
        var peer = Id(2);
        Announce(peer, "10.7.0.2");
        Announce(peer, "10.7.0.2");
        Assert.Equal($"/ip4/10.7.0.2/udp/4001/p2p/{peer}", Assert.Single(_dialled).ToString());
        Assert.Equal(1, _discovery.KnownPeers);
    }

    [Fact]
    public void Receive_APeerNotConnectedAfterTheBackoff_IsDialledAgain_AConnectedOneIsNot()
    {
        var (a, b) = (Id(2), Id(3));
        Announce(a, "10.7.0.2");
        Announce(b, "10.7.0.3");
        _connected.Add(b);
        _time.Advance(TimeSpan.FromSeconds(31));
        Announce(a, "10.7.0.2");
        Announce(b, "10.7.0.3");
        Assert.Equal([a, b, a], _dialled.Select(d => d.PeerId!));
    }

    [Fact]
    public void Receive_OurOwnAnnouncement_IsIgnored()
    {
        _discovery.Start();
        foreach (var (_, message) in _link.Sent.ToList())
            _discovery.Receive(message, Eth0.Index, new IPEndPoint(Eth0.Address, 5353));
        Assert.Empty(_dialled);
        Assert.Equal(0, _discovery.KnownPeers);
        Assert.Equal(2, _link.Sent.Count);
    }

    [Theory]
    [InlineData("10.7.0.2", 5353, 9, "10.7.0.2")] // another interface
    [InlineData("10.8.0.2", 5353, 2, "10.8.0.2")] // a sender off the subnet
    [InlineData("10.7.0.2", 5354, 2, "10.7.0.2")] // not from the mDNS port
    [InlineData("10.7.0.2", 5353, 2, "192.168.9.9")] // an address off the subnet: we would be dialling for someone
    public void Receive_FromOutsideTheLinkOrForAnAddressOffIt_DialsNothing(string source, int port, int index, string announced)
    {
        var packet = LanRecords.Announcement("other", Id(2), [new IPEndPoint(IPAddress.Parse(announced), 4001)]);
        _discovery.Receive(packet, index, new IPEndPoint(IPAddress.Parse(source), port));
        Assert.Empty(_dialled);
    }

    [Fact]
    public void Receive_AQuery_IsAnsweredAtOnce_ButNotTwiceInOneSecond()
    {
        var query = LanRecords.Query();
        var from = new IPEndPoint(IPAddress.Parse("10.7.0.2"), 5353);
        _discovery.Receive(query, Eth0.Index, from);
        Assert.Equal(["announce"], _link.Kinds());
        for (var i = 0; i < 100; i++)
            _discovery.Receive(query, Eth0.Index, from);
        Assert.Equal(["announce"], _link.Kinds());
        _discovery.Start();
        _time.Advance(TimeSpan.FromSeconds(1));
        // The tick's pair, then the one answer owed (the queries and the tick's second announcement are one).
        Assert.Equal(["announce", "query", "announce", "announce"], _link.Kinds());
    }

    [Fact]
    public void Receive_ManyPeers_RemembersAtMostTheCap_AndDialsAtTheBucketsRate()
    {
        for (var i = 0; i < 200; i++)
            Announce(Id(10 + i), $"10.7.0.{10 + i % 200}");
        Assert.Equal(new LanDiscoveryOptions().MaxPeers, _discovery.KnownPeers);
        Assert.Equal(new LanDiscoveryOptions().DialBurst, _dialled.Count);
        _time.Advance(TimeSpan.FromSeconds(1));
        for (var i = 200; i < 210; i++)
            Announce(Id(10 + i), $"10.7.0.{i - 190}");
        Assert.Equal(new LanDiscoveryOptions().DialBurst + 2, _dialled.Count);
    }

    [Fact]
    public void Receive_DialsThatHang_AreCappedInFlight()
    {
        _pendingDial = new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously);
        for (var i = 0; i < 20; i++)
        {
            _time.Advance(TimeSpan.FromSeconds(1));
            Announce(Id(10 + i), $"10.7.0.{10 + i}");
        }
        Assert.Equal(new LanDiscoveryOptions().MaxConcurrentDials, _dialled.Count);
        _pendingDial.SetResult(false);
    }

    [Fact]
    public void Receive_MalformedPackets_AreDroppedAndCounted()
    {
        var from = new IPEndPoint(IPAddress.Parse("10.7.0.2"), 5353);
        _discovery.Receive(new byte[] { 1, 2, 3 }, Eth0.Index, from);
        var bad = MdnsWriter.Response([], [new MdnsRecord($"x.{LanRecords.ServiceName}", MdnsMessage.TypeTxt, 120) { Texts = ["dnsaddr=/ip4/nope"] }]);
        _discovery.Receive(bad, Eth0.Index, from);
        Assert.Equal(2, _discovery.Dropped);
        Assert.Empty(_dialled);
    }

    [Fact]
    public void Receive_AGoodbye_ForgetsThePeer()
    {
        var peer = Id(2);
        Announce(peer, "10.7.0.2");
        var goodbye = LanRecords.Announcement("other", peer, [new IPEndPoint(IPAddress.Parse("10.7.0.2"), 4001)], ttl: 0);
        _discovery.Receive(goodbye, Eth0.Index, new IPEndPoint(IPAddress.Parse("10.7.0.2"), 5353));
        Assert.Equal(0, _discovery.KnownPeers);
    }

    [Fact]
    public async Task DisposeAsync_SaysGoodbyeWithATtlOfZero()
    {
        await _discovery.DisposeAsync();
        var records = Read(Assert.Single(_link.Sent).Message).Records;
        Assert.All(records, r => Assert.Equal(0u, r.Ttl));
    }

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _discovery.DisposeAsync();

    private void Announce(PeerId peer, string address) =>
        _discovery.Receive(LanRecords.Announcement("other", peer, [new IPEndPoint(IPAddress.Parse(address), 4001)]),
            Eth0.Index, new IPEndPoint(IPAddress.Parse(address), 5353));

    private Task<bool> Dial(Multiaddr address, CancellationToken ct)
    {
        _dialled.Add(address);
        return _pendingDial?.Task ?? Task.FromResult(true);
    }

    private static PeerId Id(int n) => PeerId.FromPublicKey(Enumerable.Repeat((byte)n, 32).ToArray());

    private static MdnsMessage Read(byte[] packet)
    {
        Assert.True(MdnsReader.TryRead(packet, out var message, out var error), error);
        return message!;
    }

    private sealed class RecordingLink : IMdnsLink
    {
        public List<(LanInterface Via, byte[] Message)> Sent { get; } = [];

        public void Send(LanInterface via, byte[] message) => Sent.Add((via, message));

        public List<string> Kinds() => Sent.Select(s => Read(s.Message).IsResponse ? "announce" : "query").ToList();
    }
}
