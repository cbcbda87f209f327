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
        new GetValueMessage { RequestId = 11, Key = "/ipns/k"u8.ToArray() },
        new PutValueMessage { RequestId = 12, Key = "/ipns/k"u8.ToArray(), Value = Enumerable.Range(0, 300).Select(i => (byte)i).ToArray(), Client = true },
        new ValueMessage { RequestId = 11, Value = new byte[WireLimits.MaxValueSize], Closer = Enumerable.Range(0, 20).Select(i => Contact((byte)i)).ToList() },
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

    [Fact]
    public void ValueMessages_KeepFieldValues_NoValueIsNil()
    {
        var put = WireCodec.TryDecode<PutValueMessage>(WireCodec.Encode(new PutValueMessage { RequestId = 5, Key = "/ipns/x"u8.ToArray(), Value = [1, 2, 3] }));
        Assert.Equal(5UL, put!.RequestId);
        Assert.Equal("/ipns/x"u8.ToArray(), put.Key);
        Assert.Equal([1, 2, 3], put.Value);
        var none = WireCodec.TryDecode<ValueMessage>(WireCodec.Encode(new ValueMessage { RequestId = 6, Closer = [Contact(2)] }));
        Assert.Null(none!.Value);
        Assert.Single(none.Closer);
        var get = WireCodec.TryDecode<GetValueMessage>(WireCodec.Encode(new GetValueMessage { RequestId = 7, Key = "/pk/y"u8.ToArray(), Client = true }));
        Assert.True(get!.Client);
        Assert.Equal("/pk/y"u8.ToArray(), get.Key);
    }

    [Fact]
    public void ValueMessages_OversizeOrEmptyRefused()
    {
        var bigKey = new byte[WireLimits.MaxValueKeyLength + 1];
        var bigValue = new byte[WireLimits.MaxValueSize + 1];
        Assert.Throws<ArgumentException>(() => WireCodec.Encode(new GetValueMessage { Key = bigKey }));
        Assert.Throws<ArgumentException>(() => WireCodec.Encode(new GetValueMessage { Key = [] }));
        Assert.Throws<ArgumentException>(() => WireCodec.Encode(new PutValueMessage { Key = "/a/b"u8.ToArray(), Value = bigValue }));
        Assert.Throws<ArgumentException>(() => WireCodec.Encode(new PutValueMessage { Key = "/a/b"u8.ToArray(), Value = [] }));
        Assert.Throws<ArgumentException>(() => WireCodec.Encode(new ValueMessage { Value = [] }));
        Assert.Throws<ArgumentException>(() => WireCodec.Encode(new ValueMessage { Value = bigValue }));

        // Hand-built bodies past the limits are refused by the decoder too: [id, bin(10 KiB + 1), []] and a key of 257 bytes.
        var value = new List<byte> { 1, (byte)WireMessageType.Value, 0x93, 0x01, 0xC5, (byte)(bigValue.Length >> 8), (byte)bigValue.Length };
        value.AddRange(bigValue);
        value.Add(0x90);
        Assert.False(WireCodec.TryDecode(value.ToArray(), out _, out var error));
        Assert.Contains("more than", error, StringComparison.Ordinal);
        var key = new List<byte> { 1, (byte)WireMessageType.GetValue, 0x93, 0x01, 0xC5, (byte)(bigKey.Length >> 8), (byte)bigKey.Length };
        key.AddRange(bigKey);
        key.Add(0xC2);
        Assert.False(WireCodec.TryDecode(key.ToArray(), out _, out error));
        Assert.Contains("value key", error, StringComparison.Ordinal);
        // A whole message over its type's cap is refused before MessagePack reads it.
        var huge = new byte[WireLimits.MaxMessageSize(WireMessageType.PutValue) + 1];
        huge[0] = 1;
        huge[1] = (byte)WireMessageType.PutValue;
        Assert.False(WireCodec.TryDecode(huge, out _, out error));
        Assert.Contains("exceeds its cap", error, StringComparison.Ordinal);
    }
}
