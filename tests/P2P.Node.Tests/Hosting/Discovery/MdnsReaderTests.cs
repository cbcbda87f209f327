using System.Net;
using P2P.Node.Hosting.Discovery;
using P2P.Node.Multiformats;

namespace P2P.Node.Tests.Hosting.Discovery;

/// <summary>The mDNS decoder: round trips of what we send, compression, and hostile packets refused without throwing.</summary>
public sealed class MdnsReaderTests
{
    private static readonly PeerId Peer = PeerId.FromPublicKey(Enumerable.Repeat((byte)7, 32).ToArray());

    private static byte[] Announcement() =>
        LanRecords.Announcement("abcdefghijklmnopqrstuvwxyz012345", Peer, [new IPEndPoint(IPAddress.Parse("10.1.2.3"), 4001)]);

    [Fact]
    public void TryRead_OurQuery_IsAPtrQuestionForTheService()
    {
        Assert.True(MdnsReader.TryRead(LanRecords.Query(), out var message, out var error), error);
        Assert.False(message!.IsResponse);
        Assert.Equal([new MdnsQuestion(LanRecords.ServiceName, MdnsMessage.TypePtr)], message.Questions);
        Assert.True(LanRecords.AsksForPeers(message));
    }

    [Fact]
    public void TryRead_OurAnnouncement_RoundTripsThePtrAndTheTxt()
    {
        Assert.True(MdnsReader.TryRead(Announcement(), out var message, out var error), error);
        Assert.True(message!.IsResponse);
        var ptr = Assert.Single(message.Records, r => r.Type == MdnsMessage.TypePtr);
        Assert.Equal(LanRecords.ServiceName, ptr.Name);
        Assert.Equal($"abcdefghijklmnopqrstuvwxyz012345.{LanRecords.ServiceName}", ptr.PtrTarget);
        var txt = Assert.Single(message.Records, r => r.Type == MdnsMessage.TypeTxt);
        Assert.Equal([$"dnsaddr=/ip4/10.1.2.3/udp/4001/p2p/{Peer}"], txt.Texts);
        Assert.Equal(LanRecords.Ttl, txt.Ttl);
    }

    [Fact]
    public void TryRead_CompressedNames_AreFollowedBackwards()
    {
        // Header, then the answer _p2p._udp.local PTR -> "x" + pointer to offset 12 (the owner name).
        var packet = new List<byte> { 0, 0, 0x84, 0, 0, 0, 0, 1, 0, 0, 0, 0 };
        packet.AddRange(Name("_p2p", "_udp", "local"));
        packet.AddRange(new byte[] { 0, 12, 0, 1, 0, 0, 0, 120, 0, 4, 1, (byte)'x', 0xC0, 12 });
        Assert.True(MdnsReader.TryRead(packet.ToArray(), out var message, out var error), error);
        Assert.Equal("x._p2p._udp.local", message!.Records[0].PtrTarget);
    }

    [Theory]
    [InlineData(new byte[] { 0xC0, 12 }, "backwards")] // points at itself
    [InlineData(new byte[] { 0xC0, 40 }, "backwards")] // points forwards
    [InlineData(new byte[] { 0x40, 1 }, "reserved")]
    [InlineData(new byte[] { 5, (byte)'a' }, "past the end")]
    public void TryRead_BadNames_AreRefused(byte[] name, string reason)
    {
        var packet = new byte[] { 0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0 }.Concat(name).Concat(new byte[] { 0, 12, 0, 1 }).ToArray();
        Assert.False(MdnsReader.TryRead(packet, out var message, out var error));
        Assert.Null(message);
        Assert.Contains(reason, error, StringComparison.Ordinal);
    }

    [Fact]
    public void TryRead_NameOverTwoHundredFiftyFiveBytes_IsRefused()
    {
        var labels = Enumerable.Repeat(new string('a', 63), 4).ToArray();
        var packet = new byte[] { 0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0 }.Concat(Name(labels)).Concat(new byte[] { 0, 12, 0, 1 }).ToArray();
        Assert.False(MdnsReader.TryRead(packet, out _, out var error));
        Assert.Contains("longer than 255", error, StringComparison.Ordinal);
    }

    [Fact]
    public void TryRead_HeaderClaimingThousandsOfRecords_IsRefusedBeforeReadingThem()
    {
        var packet = new byte[] { 0, 0, 0x84, 0, 0, 0, 0xFF, 0xFF, 0, 0, 0, 0 };
        Assert.False(MdnsReader.TryRead(packet, out _, out var error));
        Assert.Contains("more than 64", error, StringComparison.Ordinal);
    }

    [Fact]
    public void TryRead_TxtStringRunningPastItsRecord_IsRefused()
    {
        var packet = new List<byte> { 0, 0, 0x84, 0, 0, 0, 0, 1, 0, 0, 0, 0 };
        packet.AddRange(Name("a", "_p2p", "_udp", "local"));
        packet.AddRange(new byte[] { 0, 16, 0, 1, 0, 0, 0, 120, 0, 3, 9, (byte)'a', (byte)'b', 0, 0, 0, 0, 0, 0, 0, 0 });
        Assert.False(MdnsReader.TryRead(packet.ToArray(), out _, out var error));
        Assert.Contains("TXT string", error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(0x7800)]
    [InlineData(0x0003)]
    public void TryRead_NonZeroOpcodeOrResponseCode_IsRefused(int flags)
    {
        var packet = LanRecords.Query();
        packet[2] = (byte)(flags >> 8);
        packet[3] = (byte)flags;
        Assert.False(MdnsReader.TryRead(packet, out _, out _));
    }

    [Fact]
    public void TryRead_LargerThanAnMdnsMessage_IsRefused()
    {
        Assert.False(MdnsReader.TryRead(new byte[MdnsMessage.MaxBytes + 1], out _, out var error));
        Assert.Contains("more than", error, StringComparison.Ordinal);
    }

    [Fact]
    public void TryRead_EveryTruncationOfAnAnnouncement_IsRefused()
    {
        var full = Announcement();
        for (var length = 0; length < full.Length; length++)
            Assert.False(MdnsReader.TryRead(full.AsSpan(0, length), out _, out var error), $"{length} bytes read as valid");
    }

    [Fact]
    public void TryRead_RandomAndBitFlippedPackets_NeverThrowAndAlwaysGiveAReason()
    {
        var random = new Random(6762);
        var valid = Announcement();
        for (var i = 0; i < 20_000; i++)
        {
            byte[] packet;
            if (i % 2 == 0)
            {
                packet = new byte[random.Next(0, 700)];
                random.NextBytes(packet);
            }
            else
            {
                packet = (byte[])valid.Clone();
                for (var flips = random.Next(1, 6); flips > 0; flips--)
                    packet[random.Next(packet.Length)] ^= (byte)(1 << random.Next(8));
            }
            var ok = MdnsReader.TryRead(packet, out var message, out var error);
            Assert.True(ok ? message is not null && error is null : message is null && !string.IsNullOrEmpty(error));
            if (ok)
                _ = LanRecords.Addresses(message!, out _, out _);
        }
    }

    private static byte[] Name(params string[] labels) =>
        labels.SelectMany(l => new[] { (byte)l.Length }.Concat(l.Select(c => (byte)c))).Append((byte)0).ToArray();
}
