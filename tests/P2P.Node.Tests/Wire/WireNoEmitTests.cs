using P2P.Node.Wire;

namespace P2P.Node.Tests.Wire;

/// <summary>
/// The wire path compiles nothing at run time: every message type goes through a formatter written in P2P.Node, and
/// after encoding and decoding one of each no MessagePack dynamic assembly exists in the process. (Nothing else in
/// this test assembly uses MessagePack's dynamic resolvers; the parity check against them lives in P2P.Fuzz.Tests,
/// where an assertion of the same shape shows the check can fail.)
/// </summary>
public sealed class WireNoEmitTests
{
    private static readonly Type[] WireTypes =
    [
        typeof(PingMessage), typeof(PongMessage), typeof(FindNodeMessage), typeof(NodesMessage), typeof(GetProvidersMessage),
        typeof(ProvidersMessage), typeof(AddProviderMessage), typeof(WantHaveMessage), typeof(WantBlockMessage),
        typeof(HaveMessage), typeof(DontHaveMessage), typeof(BlockMessage), typeof(CancelMessage), typeof(WireContact),
    ];

    [Fact]
    public void EveryMessageType_RoundTripsWithoutMessagePackEmittingCode()
    {
        var samples = WireCodecTests.Samples();
        Assert.Equal(Enum.GetValues<WireMessageType>().Order(), samples.Select(m => m.Type).Order());
        foreach (var message in samples)
        {
            var bytes = WireCodec.Encode(message);
            Assert.True(WireCodec.TryDecode(bytes, out var decoded, out var error), error);
            Assert.Equal(bytes, WireCodec.Encode(decoded!));
        }

        var emitted = AppDomain.CurrentDomain.GetAssemblies()
            .Where(a => a.IsDynamic && (a.GetName().Name ?? "").StartsWith("MessagePack", StringComparison.Ordinal))
            .Select(a => a.GetName().Name);
        Assert.Empty(emitted);
    }

    [Fact]
    public void CodecResolver_HandsOutOnlyFormattersCompiledIntoP2PNode()
    {
        Assert.Same(WireResolver.Instance, WireCodec.Options.Resolver);
        var getFormatter = typeof(WireResolver).GetMethod(nameof(WireResolver.GetFormatter))!;
        foreach (var type in WireTypes)
        {
            var formatter = getFormatter.MakeGenericMethod(type).Invoke(WireResolver.Instance, null);
            Assert.NotNull(formatter);
            Assert.Same(typeof(WireCodec).Assembly, formatter.GetType().Assembly);
            Assert.False(formatter.GetType().Assembly.IsDynamic);
        }
    }

    [Fact]
    public void CodecResolver_HasNoFallback()
    {
        // Anything else would have reached a resolver that builds formatters at run time.
        Assert.Null(WireResolver.Instance.GetFormatter<string>());
        Assert.Null(WireResolver.Instance.GetFormatter<List<byte[]>>());
        Assert.Null(WireResolver.Instance.GetFormatter<WireMessage>());
    }
}
