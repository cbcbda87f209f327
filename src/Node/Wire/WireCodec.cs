using System.Buffers;
using MessagePack;

namespace P2P.Node.Wire;

/// <summary>
/// Encodes and decodes wire messages: <c>version (1) ‖ type ‖ MessagePack body</c>. Decoding never throws: the
/// size cap of the type is checked before MessagePack sees a byte, MessagePack runs with
/// <see cref="MessagePackSecurity.UntrustedData"/> (depth limit, collision-resistant hashing; its readers refuse
/// an array or binary header longer than the bytes that remain, so no count allocates past the capped input),
/// and every message is validated after deserialising.
/// </summary>
public static class WireCodec
{
    /// <summary>The only version this build speaks; a message with another first byte is rejected.</summary>
    public const byte Version = 1;

    public const int HeaderLength = 2;

    private static readonly MessagePackSerializerOptions Options =
        MessagePackSerializerOptions.Standard.WithSecurity(MessagePackSecurity.UntrustedData);

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
        MessagePackSerializer.Serialize(message.GetType(), destination, message, Options);
    }

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
        var clrType = ClrType(type);
        if (clrType is null)
        {
            error = $"unknown message type {span[1]}";
            return false;
        }
        var cap = WireLimits.MaxMessageSize(type);
        if (bytes.Length > cap)
        {
            error = $"{type} message of {bytes.Length} bytes exceeds its cap of {cap}";
            return false;
        }
        try
        {
            var body = bytes[HeaderLength..];
            var reader = new MessagePackReader(body);
            var decoded = MessagePackSerializer.Deserialize(clrType, ref reader, Options) as WireMessage;
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

    private static Type? ClrType(WireMessageType type) => type switch
    {
        WireMessageType.Ping => typeof(PingMessage),
        WireMessageType.Pong => typeof(PongMessage),
        WireMessageType.FindNode => typeof(FindNodeMessage),
        WireMessageType.Nodes => typeof(NodesMessage),
        WireMessageType.GetProviders => typeof(GetProvidersMessage),
        WireMessageType.Providers => typeof(ProvidersMessage),
        WireMessageType.AddProvider => typeof(AddProviderMessage),
        WireMessageType.WantHave => typeof(WantHaveMessage),
        WireMessageType.WantBlock => typeof(WantBlockMessage),
        WireMessageType.Have => typeof(HaveMessage),
        WireMessageType.DontHave => typeof(DontHaveMessage),
        WireMessageType.Block => typeof(BlockMessage),
        WireMessageType.Cancel => typeof(CancelMessage),
        _ => null,
    };
}
