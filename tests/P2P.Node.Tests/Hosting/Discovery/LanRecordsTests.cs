using System.Net;
using P2P.Node.Hosting.Discovery;
using P2P.Node.Multiformats;

namespace P2P.Node.Tests.Hosting.Discovery;

/// <summary>What peers announce: the addresses read out of a response, and what is refused or ignored.</summary>
public sealed class LanRecordsTests
{
    private static readonly PeerId Peer = PeerId.FromPublicKey(Enumerable.Repeat((byte)9, 32).ToArray());
    private static readonly string Instance = $"peer1.{LanRecords.ServiceName}";

    [Fact]
    public void Addresses_OfAnAnnouncement_AreTheEndpointsWithThePeerId()
    {
        var endpoints = new[] { new IPEndPoint(IPAddress.Parse("192.168.1.5"), 4001), new IPEndPoint(IPAddress.Parse("10.0.0.5"), 4002) };
        var message = Read(LanRecords.Announcement("peer1", Peer, endpoints));
        var addresses = LanRecords.Addresses(message, out var rejected, out var goodbye);
        Assert.Equal(endpoints, addresses.Select(a => a.EndPoint));
        Assert.All(addresses, a => Assert.Equal(Peer, a.PeerId));
        Assert.Equal(0, rejected);
        Assert.False(goodbye);
    }

    [Fact]
    public void Addresses_OfAGoodbye_AreFlaggedAsOne()
    {
        var message = Read(LanRecords.Announcement("peer1", Peer, [new IPEndPoint(IPAddress.Parse("10.0.0.5"), 4001)], ttl: 0));
        Assert.Single(LanRecords.Addresses(message, out _, out var goodbye));
        Assert.True(goodbye);
    }

    [Fact]
    public void Addresses_ThatAreNotDialable_AreCountedAndSkipped()
    {
        var message = Read(Response(Instance,
            $"dnsaddr=/ip4/10.0.0.5/udp/4001/p2p/{Peer}",
            "dnsaddr=/ip4/10.0.0.5/udp/4001",
            $"dnsaddr=/ip4/0.0.0.0/udp/4001/p2p/{Peer}",
            $"dnsaddr=/ip4/224.0.0.251/udp/5353/p2p/{Peer}",
            $"dnsaddr=/ip4/10.0.0.5/udp/0/p2p/{Peer}",
            "dnsaddr=garbage",
            "txtvers=1"));
        var addresses = LanRecords.Addresses(message, out var rejected, out _);
        Assert.Equal("10.0.0.5:4001", Assert.Single(addresses).EndPoint.ToString());
        Assert.Equal(5, rejected);
    }

    [Fact]
    public void Addresses_OfOtherServices_AreIgnored()
    {
        var message = Read(Response("printer._ipp._tcp.local", $"dnsaddr=/ip4/10.0.0.5/udp/4001/p2p/{Peer}"));
        Assert.Empty(LanRecords.Addresses(message, out var rejected, out _));
        Assert.Equal(0, rejected);
        Assert.Empty(LanRecords.Addresses(Read(Response(LanRecords.ServiceName, $"dnsaddr=/ip4/10.0.0.5/udp/4001/p2p/{Peer}")), out _, out _));
    }

    [Fact]
    public void Addresses_ManyInOneMessage_AreCappedAtSixteen()
    {
        var texts = Enumerable.Range(1, 60).Select(i => $"dnsaddr=/ip4/10.0.0.{i}/udp/4001/p2p/{Peer}").ToArray();
        Assert.Equal(LanRecords.MaxAddressesPerMessage, LanRecords.Addresses(Read(Response(Instance, texts)), out _, out _).Count);
    }

    [Theory]
    [InlineData("0.0.0.0", 4001)]
    [InlineData("10.0.0.1", 0)]
    public void Announcement_OfAnUndialableAddress_IsRefused(string address, int port) =>
        Assert.Throws<ArgumentException>(() => LanRecords.Announcement("x", Peer, [new IPEndPoint(IPAddress.Parse(address), port)]));

    [Fact]
    public void NewInstanceLabel_IsThirtyTwoLettersAndDigits_AndFollowsTheSeed()
    {
        var label = LanRecords.NewInstanceLabel(new Random(1));
        Assert.Matches("^[a-z0-9]{32}$", label);
        Assert.Equal(label, LanRecords.NewInstanceLabel(new Random(1)));
    }

    private static MdnsMessage Read(byte[] packet)
    {
        Assert.True(MdnsReader.TryRead(packet, out var message, out var error), error);
        return message!;
    }

    private static byte[] Response(string owner, params string[] texts) =>
        MdnsWriter.Response([], [new MdnsRecord(owner, MdnsMessage.TypeTxt, 120) { Texts = texts }]);
}
