using System.Buffers;
using MessagePack;

namespace P2P.Node.Wire;

/// <summary>
/// Encodes and decodes wire messages: <c>version (1) ‖ type ‖ MessagePack body</c>. Decoding never throws: the
/// size cap of the type is checked before MessagePack sees a byte, MessagePack runs with
/// <see cref="MessagePackSecurity.UntrustedData"/> (depth limit, collision-resistant hashing; its readers refuse
/// an array or binary header longer than the bytes that remain, so no count allocates past the capped input),
/// and every message is validated after deserialising. Each type is read and written by its hand-written formatter
/// (<see cref="WireArrayFormatter{T}"/>) through a generic call, so nothing is compiled or emitted at run time: the
/// non-generic <c>Serialize(Type, ...)</c> compiled a delegate per type and the dynamic resolver emitted a formatter
/// per type, JIT work that still showed in a fetching daemon's profile (docs/perf/jit.md).
/// </summary>
public static class WireCodec
{
    /// <summary>The only version this build speaks; a message with another first byte is rejected.</summary>
    public const byte Version = 1;

    public const int HeaderLength = 2;

    /// <summary>The wire's formatters only: a type without one fails loudly instead of reaching a dynamic resolver.</summary>
    internal static readonly MessagePackSerializerOptions Options =
        new MessagePackSerializerOptions(WireResolver.Instance).WithSecurity(MessagePackSecurity.UntrustedData);

    /// <summary>The message's bytes, header included.</summary>
    public static byte[] Encode(WireMessage message)
    {
        var buffer = new ArrayBufferWriter<byte>(message is BlockMessage block ? block.Data.Length + 256 : 256);
        Encode(message, buffer);
        return buffer.WrittenSpan.ToArray();
    }

    /// <summary>Writes the message, header included, to <paramref name="destination"/>.</summary>
    /// <exception cref="ArgumentException">The message breaks its own limits (a bug in the caller).</exception>
    public static void Encode(WireMessage message, IBufferWriter<byte> destination)
    {
        if (message.Validate() is { } error)
            throw new ArgumentException($"invalid {message.Type} message: {error}", nameof(message));
        var header = destination.GetSpan(HeaderLength);
        header[0] = Version;
        header[1] = (byte)message.Type;
        destination.Advance(HeaderLength);
        var writer = new MessagePackWriter(destination);
        switch (message)
        {
            case PingMessage m: Write(ref writer, m); break;
            case PongMessage m: Write(ref writer, m); break;
            case FindNodeMessage m: Write(ref writer, m); break;
            case NodesMessage m: Write(ref writer, m); break;
            case GetProvidersMessage m: Write(ref writer, m); break;
            case ProvidersMessage m: Write(ref writer, m); break;
            case AddProviderMessage m: Write(ref writer, m); break;
            case GetValueMessage m: Write(ref writer, m); break;
            case PutValueMessage m: Write(ref writer, m); break;
            case ValueMessage m: Write(ref writer, m); break;
            case WantHaveMessage m: Write(ref writer, m); break;
            case WantBlockMessage m: Write(ref writer, m); break;
            case HaveMessage m: Write(ref writer, m); break;
            case DontHaveMessage m: Write(ref writer, m); break;
            case BlockMessage m: Write(ref writer, m); break;
            case CancelMessage m: Write(ref writer, m); break;
            default: throw new ArgumentException($"no wire formatter for {message.GetType().Name}", nameof(message));
        }
        writer.Flush();
    }

    private static void Write<T>(ref MessagePackWriter writer, T message) where T : WireMessage =>
        WireResolver.Instance.GetFormatter<T>()!.Serialize(ref writer, message, Options);

    private static WireMessage? Read<T>(ref MessagePackReader reader) where T : WireMessage =>
        WireResolver.Instance.GetFormatter<T>()!.Deserialize(ref reader, Options);

    /// <summary>Decodes one message; false with a one-line reason for anything malformed, oversized or unknown.</summary>
    public static bool TryDecode(ReadOnlyMemory<byte> bytes, out WireMessage? message, out string? error)
    {
        message = null;
        if (bytes.Length < HeaderLength)
        {
            error = "message shorter than its header";
            return false;
        }
        var span = bytes.Span;
        if (span[0] != Version)
        {
            error = $"unsupported wire version {span[0]}";
            return false;
        }
        var type = (WireMessageType)span[1];
        var cap = WireLimits.MaxMessageSize(type);
        if (cap == 0)
        {
            error = $"unknown message type {span[1]}";
            return false;
        }
        if (bytes.Length > cap)
        {
            error = $"{type} message of {bytes.Length} bytes exceeds its cap of {cap}";
            return false;
        }
        try
        {
            var body = bytes[HeaderLength..];
            var reader = new MessagePackReader(body);
            var decoded = type switch
            {
                WireMessageType.Ping => Read<PingMessage>(ref reader),
                WireMessageType.Pong => Read<PongMessage>(ref reader),
                WireMessageType.FindNode => Read<FindNodeMessage>(ref reader),
                WireMessageType.Nodes => Read<NodesMessage>(ref reader),
                WireMessageType.GetProviders => Read<GetProvidersMessage>(ref reader),
                WireMessageType.Providers => Read<ProvidersMessage>(ref reader),
                WireMessageType.AddProvider => Read<AddProviderMessage>(ref reader),
                WireMessageType.GetValue => Read<GetValueMessage>(ref reader),
                WireMessageType.PutValue => Read<PutValueMessage>(ref reader),
                WireMessageType.Value => Read<ValueMessage>(ref reader),
                WireMessageType.WantHave => Read<WantHaveMessage>(ref reader),
                WireMessageType.WantBlock => Read<WantBlockMessage>(ref reader),
                WireMessageType.Have => Read<HaveMessage>(ref reader),
                WireMessageType.DontHave => Read<DontHaveMessage>(ref reader),
                WireMessageType.Block => Read<BlockMessage>(ref reader),
                WireMessageType.Cancel => Read<CancelMessage>(ref reader),
                _ => null,
            };
            var read = reader.Consumed;
            if (decoded is null)
            {
                error = $"{type} body is nil";
                return false;
            }
            if (read != body.Length)
            {
                error = $"{body.Length - read} trailing bytes after {type} body";
                return false;
            }
            if (decoded.Validate() is { } invalid)
            {
                error = $"{type}: {invalid}";
                return false;
            }
            message = decoded;
            error = null;
            return true;
        }
        catch (Exception ex) when (ex is MessagePackSerializationException or EndOfStreamException or InvalidOperationException
                                       or OverflowException or ArgumentException or FormatException or InsufficientExecutionStackException)
        {
            error = $"malformed {type} body: {ex.GetBaseException().Message}";
            return false;
        }
    }

    /// <summary>Decodes and checks the type; null when malformed or of another type.</summary>
    public static T? TryDecode<T>(ReadOnlyMemory<byte> bytes) where T : WireMessage =>
        TryDecode(bytes, out var message, out _) ? message as T : null;
}
