using System.Net;
using P2P.Node.Multiformats;
using P2P.Node.Wire;

namespace P2P.Node.Tests.Wire;

public class WireCodecTests
{
    private static WireContact Contact(byte seed) =>
        WireContact.From(PeerId.FromPublicKey(Enumerable.Repeat(seed, 32).ToArray()), new IPEndPoint(IPAddress.Loopback, 4000 + seed));

    private static byte[] CidBytes(string text) => Cid.V1(Multicodec.Raw, Multihash.Sha256(System.Text.Encoding.UTF8.GetBytes(text))).Bytes.ToArray();

    public static TheoryData<WireMessage> AllMessages() => new(Samples());

    public static WireMessage[] Samples() =>
    [
        new PingMessage { RequestId = 1 },
        new PongMessage { RequestId = ulong.MaxValue },
        new FindNodeMessage { RequestId = 7, Target = Enumerable.Range(0, 32).Select(i => (byte)i).ToArray() },
        new NodesMessage { RequestId = 7, Contacts = Enumerable.Range(0, 20).Select(i => Contact((byte)i)).ToList() },
        new GetProvidersMessage { RequestId = 9, Key = Multihash.Sha256("k"u8).Bytes.ToArray() },
        new ProvidersMessage { RequestId = 9, Providers = [Contact(1)], Closer = Enumerable.Range(0, 20).Select(i => Contact((byte)i)).ToList() },
        new AddProviderMessage { RequestId = 3, Key = Multihash.Sha256("k"u8).Bytes.ToArray(), Provider = Contact(5) },
        new WantHaveMessage { Cids = [CidBytes("a"), CidBytes("b")], Priority = 5, SendDontHave = true },
        new WantBlockMessage { Cids = [CidBytes("a")], Priority = -1 },
        new HaveMessage { Cids = [CidBytes("a")] },
        new DontHaveMessage { Cids = [CidBytes("b"), Cid.V0(Multihash.Sha256("c"u8)).Bytes.ToArray()] },
        new CancelMessage { Cids = [] },
        new BlockMessage { Cid = CidBytes("x"), Data = new byte[262144] },
    ];

    [Theory]
    [MemberData(nameof(AllMessages))]
    public void Encode_RoundTripsEveryType(WireMessage message)
    {
        var bytes = WireCodec.Encode(message);
        Assert.Equal(WireCodec.Version, bytes[0]);
        Assert.Equal((byte)message.Type, bytes[1]);
        Assert.True(bytes.Length <= WireLimits.MaxMessageSize(message.Type), $"{bytes.Length} bytes");
        Assert.True(WireCodec.TryDecode(bytes, out var decoded, out var error), error);
        Assert.Equal(message.GetType(), decoded!.GetType());
        Assert.Equal(bytes, WireCodec.Encode(decoded));
    }

    [Fact]
    public void TryDecode_KeepsFieldValues()
    {
        var original = new ProvidersMessage { RequestId = 42, Providers = [Contact(3)], Closer = [Contact(4), Contact(5)] };
        var decoded = WireCodec.TryDecode<ProvidersMessage>(WireCodec.Encode(original));
        Assert.NotNull(decoded);
        Assert.Equal(42UL, decoded.RequestId);
        Assert.Equal(original.Providers[0].GetPeerId(), decoded.Providers[0].GetPeerId());
        Assert.Equal(new IPEndPoint(IPAddress.Loopback, 4005), decoded.Closer[1].GetEndPoint());
    }

    [Fact]
    public void TryDecode_RejectsUnknownVersionAndType()
    {
        var bytes = WireCodec.Encode(new PingMessage { RequestId = 1 });
        bytes[0] = 2;
        Assert.False(WireCodec.TryDecode(bytes, out _, out var error));
        Assert.Contains("version", error, StringComparison.Ordinal);
        bytes[0] = 1;
        bytes[1] = 99;
        Assert.False(WireCodec.TryDecode(bytes, out _, out error));
        Assert.Contains("unknown", error, StringComparison.Ordinal);
    }

    [Fact]
    public void TryDecode_RejectsOversizedBeforeDeserialising()
    {
        var bytes = new byte[WireLimits.MaxMessageSize(WireMessageType.Ping) + 1];
        bytes[0] = 1;
        bytes[1] = (byte)WireMessageType.Ping;
        Assert.False(WireCodec.TryDecode(bytes, out _, out var error));
        Assert.Contains("exceeds its cap", error, StringComparison.Ordinal);
    }

    [Fact]
    public void TryDecode_RejectsHugeDeclaredArrayWithoutAllocating()
    {
        // Nodes with an array32 header claiming 2^31 contacts in a 12-byte message.
        byte[] bytes = [1, (byte)WireMessageType.Nodes, 0x92, 0x01, 0xdd, 0x7f, 0xff, 0xff, 0xff, 0x90];
        Assert.False(WireCodec.TryDecode(bytes, out _, out var error));
        Assert.NotNull(error);
    }

    [Fact]
    public void TryDecode_RejectsSemanticErrors()
    {
        Assert.Throws<ArgumentException>(() => WireCodec.Encode(new FindNodeMessage { Target = new byte[31] }));
        Assert.Throws<ArgumentException>(() => WireCodec.Encode(new NodesMessage { Contacts = Enumerable.Range(0, 33).Select(i => Contact((byte)i)).ToList() }));
        var badContact = new NodesMessage { Contacts = [Contact(1)] };
        var bytes = WireCodec.Encode(badContact);
        var index = bytes.AsSpan().IndexOf(new byte[] { 0x00, 0x24, 0x08, 0x01 });
        bytes[index + 3] = 0x02;
        Assert.False(WireCodec.TryDecode(bytes, out _, out var error));
        Assert.Contains("Ed25519", error, StringComparison.Ordinal);
    }
}
