using System.Buffers.Binary;
using System.Net.Sockets;
using System.Text.Json;

namespace P2P.Node.Hosting.Local;

/// <summary>
/// The local channel's framing: a 4-byte big-endian length, then that many bytes of one UTF-8 JSON object. Requests
/// and answers are small (paths, flags, progress counts, a result line, an error sentence), so a frame over
/// <see cref="MaxFrame"/> is garbage or hostile and drops the connection before anything is allocated for it.
/// </summary>
public static class LocalFrames
{
    /// <summary>Protocol version: a daemon answers a request of another version with <c>Unsupported</c>.</summary>
    public const int Version = 1;

    /// <summary>The largest frame either side accepts (a cat of many paths fits many times over).</summary>
    public const int MaxFrame = 64 * 1024;

    /// <summary>Descriptors one request may carry: cat and get pass their output, add its input.</summary>
    public const int MaxDescriptors = 1;

    private static readonly JsonSerializerOptions Json = new();

    /// <summary>A frame's bytes: the length prefix and <paramref name="body"/> as JSON.</summary>
    public static byte[] Encode(object body)
    {
        var json = JsonSerializer.SerializeToUtf8Bytes(body, body.GetType(), Json);
        if (json.Length > MaxFrame)
            throw new ArgumentException($"a local channel frame of {json.Length} bytes is over the {MaxFrame}-byte limit");
        var frame = new byte[4 + json.Length];
        BinaryPrimitives.WriteInt32BigEndian(frame, json.Length);
        json.CopyTo(frame, 4);
        return frame;
    }

    /// <summary>The length in a frame's prefix, or -1 when it is outside 1..<see cref="MaxFrame"/>.</summary>
    public static int LengthOf(ReadOnlySpan<byte> prefix)
    {
        var length = BinaryPrimitives.ReadInt32BigEndian(prefix);
        return length is > 0 and <= MaxFrame ? length : -1;
    }

    /// <summary>
    /// Reads one frame from a blocking socket (the CLI's side); null at a clean end of stream before a frame began.
    /// A frame cut short or over the limit is an <see cref="InvalidDataException"/>.
    /// </summary>
    public static JsonElement? Read(Socket socket)
    {
        Span<byte> prefix = stackalloc byte[4];
        if (!Fill(socket, prefix, allowEnd: true))
            return null;
        var length = LengthOf(prefix);
        if (length < 0)
            throw new InvalidDataException("the daemon sent a local channel frame of an impossible length");
        var body = new byte[length];
        Fill(socket, body, allowEnd: false);
        using var document = JsonDocument.Parse(body);
        return document.RootElement.Clone();
    }

    private static bool Fill(Socket socket, Span<byte> buffer, bool allowEnd)
    {
        var got = 0;
        while (got < buffer.Length)
        {
            var n = socket.Receive(buffer[got..]);
            if (n == 0)
            {
                if (got == 0 && allowEnd)
                    return false;
                throw new InvalidDataException("the local channel closed in the middle of a frame");
            }
            got += n;
        }
        return true;
    }
}
