using MessagePack;
using MessagePack.Formatters;

namespace P2P.Node.Wire;

/// <summary>
/// Hands out the wire's hand-written formatters and nothing else: no fallback to a resolver that builds formatters
/// at run time, so a type without a formatter here fails on first use (in the tests) rather than emitting code.
/// </summary>
internal sealed class WireResolver : IFormatterResolver
{
    public static readonly WireResolver Instance = new();

    private WireResolver()
    {
    }

    public IMessagePackFormatter<T>? GetFormatter<T>() => Cache<T>.Formatter;

    /// <summary>One lookup per type, kept in a static field the JIT can read directly.</summary>
    private static class Cache<T>
    {
        public static readonly IMessagePackFormatter<T>? Formatter = (IMessagePackFormatter<T>?)Create(typeof(T));
    }

    private static object? Create(Type type) =>
        type == typeof(PingMessage) ? new PingMessageFormatter()
        : type == typeof(PongMessage) ? new PongMessageFormatter()
        : type == typeof(FindNodeMessage) ? new KeyQueryMessageFormatter<FindNodeMessage>()
        : type == typeof(NodesMessage) ? new NodesMessageFormatter()
        : type == typeof(GetProvidersMessage) ? new KeyQueryMessageFormatter<GetProvidersMessage>()
        : type == typeof(ProvidersMessage) ? new ProvidersMessageFormatter()
        : type == typeof(AddProviderMessage) ? new AddProviderMessageFormatter()
        : type == typeof(GetValueMessage) ? new KeyQueryMessageFormatter<GetValueMessage>()
        : type == typeof(PutValueMessage) ? new PutValueMessageFormatter()
        : type == typeof(ValueMessage) ? new ValueMessageFormatter()
        : type == typeof(WantHaveMessage) ? new WantMessageFormatter<WantHaveMessage>()
        : type == typeof(WantBlockMessage) ? new WantMessageFormatter<WantBlockMessage>()
        : type == typeof(HaveMessage) ? new CidListMessageFormatter<HaveMessage>()
        : type == typeof(DontHaveMessage) ? new CidListMessageFormatter<DontHaveMessage>()
        : type == typeof(BlockMessage) ? new BlockMessageFormatter()
        : type == typeof(CancelMessage) ? new CidListMessageFormatter<CancelMessage>()
        : type == typeof(WireContact) ? new WireContactFormatter()
        : null;
}
