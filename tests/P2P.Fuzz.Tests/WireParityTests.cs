using System.Buffers;
using MessagePack;
using MessagePack.Formatters;
using MessagePack.Resolvers;
using P2P.Node.Wire;

namespace P2P.Fuzz.Tests;

/// <summary>
/// The wire's hand-written formatters against the formatters MessagePack's dynamic resolver builds from the same
/// <c>[Key(n)]</c> attributes (what every node before them ran): the same verdict and the same re-encoding for every
/// committed wire input and seeded mutations of it. It lives here, not in P2P.Node.Tests, because the oracle emits
/// code at run time and P2P.Node.Tests asserts that nothing from MessagePack does.
/// </summary>
public sealed class WireParityTests
{
    private static readonly MessagePackSerializerOptions Dynamic = MessagePackSerializerOptions.Standard
        .WithResolver(CompositeResolver.Create([new BinOnlyFormatter()], [BuiltinResolver.Instance, DynamicGenericResolver.Instance, DynamicObjectResolver.Instance]))
        .WithSecurity(MessagePackSecurity.UntrustedData);

    /// <summary>
    /// MessagePack's own formatters also accepted, inside a CID list, a CID written as an array of small integers;
    /// the wire's formatters take a bin only (no node writes anything else), so the oracle is held to bins too and
    /// the one deliberate difference has its own test below.
    /// </summary>
    private sealed class BinOnlyFormatter : IMessagePackFormatter<byte[]?>
    {
        public void Serialize(ref MessagePackWriter writer, byte[]? value, MessagePackSerializerOptions options) => writer.Write(value);

        public byte[]? Deserialize(ref MessagePackReader reader, MessagePackSerializerOptions options) => reader.ReadBytes()?.ToArray();
    }

    private static Type? ClrType(byte type) => (WireMessageType)type switch
    {
        WireMessageType.Ping => typeof(PingMessage),
        WireMessageType.Pong => typeof(PongMessage),
        WireMessageType.FindNode => typeof(FindNodeMessage),
        WireMessageType.Nodes => typeof(NodesMessage),
        WireMessageType.GetProviders => typeof(GetProvidersMessage),
        WireMessageType.Providers => typeof(ProvidersMessage),
        WireMessageType.AddProvider => typeof(AddProviderMessage),
        WireMessageType.GetValue => typeof(GetValueMessage),
        WireMessageType.PutValue => typeof(PutValueMessage),
        WireMessageType.Value => typeof(ValueMessage),
        WireMessageType.WantHave => typeof(WantHaveMessage),
        WireMessageType.WantBlock => typeof(WantBlockMessage),
        WireMessageType.Have => typeof(HaveMessage),
        WireMessageType.DontHave => typeof(DontHaveMessage),
        WireMessageType.Block => typeof(BlockMessage),
        WireMessageType.Cancel => typeof(CancelMessage),
        _ => null,
    };

    /// <summary>The body as the dynamic formatters read it: the message and the bytes read, or the innermost error.</summary>
    private static (WireMessage? Message, long Read, string? Error) OracleDecode(byte[] bytes)
    {
        var reader = new MessagePackReader(bytes.AsMemory(WireCodec.HeaderLength));
        try
        {
            var message = MessagePackSerializer.Deserialize(ClrType(bytes[1])!, ref reader, Dynamic) as WireMessage;
            return (message, reader.Consumed, null);
        }
        catch (Exception ex) when (ex is MessagePackSerializationException or EndOfStreamException or InvalidOperationException
                                       or OverflowException or ArgumentException or FormatException or InsufficientExecutionStackException)
        {
            return (null, 0, ex.GetBaseException().Message);
        }
    }

    private static byte[] OracleEncode(WireMessage message)
    {
        var buffer = new ArrayBufferWriter<byte>();
        buffer.Write([WireCodec.Version, (byte)message.Type]);
        MessagePackSerializer.Serialize(message.GetType(), buffer, message, Dynamic);
        return buffer.WrittenSpan.ToArray();
    }

    /// <summary>Whether the message passes the codec's checks (Encode validates first).</summary>
    private static bool Encodes(WireMessage message)
    {
        try
        {
            WireCodec.Encode(message);
            return true;
        }
        catch (ArgumentException)
        {
            return false;
        }
    }

    private static void AssertSameVerdict(byte[] bytes)
    {
        var ok = WireCodec.TryDecode(bytes, out var message, out var error);
        if (bytes.Length < WireCodec.HeaderLength || bytes[0] != WireCodec.Version || ClrType(bytes[1]) is null
            || bytes.Length > WireLimits.MaxMessageSize((WireMessageType)bytes[1]))
        {
            Assert.False(ok);
            return;
        }
        var oracle = OracleDecode(bytes);
        if (oracle.Error is not null)
        {
            Assert.False(ok, $"oracle refused ({oracle.Error}), codec accepted {Convert.ToHexString(bytes)}");
            Assert.True(error!.EndsWith(oracle.Error, StringComparison.Ordinal), $"oracle: {oracle.Error}; codec: {error}; input {Convert.ToHexString(bytes)}");
            return;
        }
        var valid = oracle.Message is not null && oracle.Read == bytes.Length - WireCodec.HeaderLength && Encodes(oracle.Message);
        Assert.True(valid == ok, $"oracle {(valid ? "accepted" : "refused")}, codec said {error ?? "ok"}: {Convert.ToHexString(bytes)}");
        if (ok)
        {
            var encoded = WireCodec.Encode(message!);
            Assert.Equal(OracleEncode(oracle.Message!), encoded);
            Assert.Equal(OracleEncode(message!), encoded);
        }
    }

    private static byte[][] Corpus() => Directory.GetFiles(RepoPaths.Corpus("wire")).Order(StringComparer.Ordinal).Select(File.ReadAllBytes).ToArray();

    [Fact]
    public void CommittedCorpus_SameVerdictAndBytesAsTheDynamicFormatters()
    {
        var corpus = Corpus();
        Assert.NotEmpty(corpus);
        foreach (var bytes in corpus)
            AssertSameVerdict(bytes);
    }

    [Fact]
    public void SeededMutations_SameVerdictAndBytesAsTheDynamicFormatters()
    {
        var corpus = Corpus();
        var random = new Random(15);
        for (var i = 0; i < 20_000; i++)
        {
            var bytes = corpus[random.Next(corpus.Length)].ToList();
            for (var edits = random.Next(1, 4); edits > 0 && bytes.Count > 2; edits--)
            {
                var at = random.Next(2, bytes.Count);
                switch (random.Next(4))
                {
                    case 0: bytes[at] ^= (byte)(1 << random.Next(8)); break;
                    case 1: bytes[at] = (byte)random.Next(256); break;
                    case 2: bytes.RemoveRange(at, random.Next(1, bytes.Count - at + 1)); break;
                    default: bytes.Insert(at, (byte)random.Next(256)); break;
                }
            }
            AssertSameVerdict([.. bytes]);
        }
    }

    [Fact]
    public void BinWrittenAsAnArrayOfIntegers_IsRefused()
    {
        // Have { Cids = [a CID written as a fixarray of four fixints] }: MessagePack's own byte[] formatter took it;
        // the wire's formatter wants the bin every node writes.
        byte[] bytes = [WireCodec.Version, (byte)WireMessageType.Have, 0x91, 0x91, 0x94, 0x01, 0x55, 0x12, 0x00];
        var plain = MessagePackSerializerOptions.Standard.WithResolver(CompositeResolver.Create(BuiltinResolver.Instance, DynamicGenericResolver.Instance, DynamicObjectResolver.Instance));
        var reader = new MessagePackReader(bytes.AsMemory(WireCodec.HeaderLength));
        Assert.Equal([0x01, 0x55, 0x12, 0x00], MessagePackSerializer.Deserialize<HaveMessage>(ref reader, plain).Cids[0]);

        Assert.False(WireCodec.TryDecode(bytes, out _, out var error));
        Assert.Contains("fixarray", error, StringComparison.Ordinal);
    }

    [Fact]
    public void DynamicOracle_IsSeenAsEmittedCode()
    {
        // The check P2P.Node.Tests makes (no dynamic assembly from MessagePack) must be able to fail: the oracle emits one.
        OracleEncode(new PingMessage { RequestId = 1 });
        Assert.Contains(AppDomain.CurrentDomain.GetAssemblies(), a => a.IsDynamic && a.GetName().Name!.StartsWith("MessagePack", StringComparison.Ordinal));
    }
}
