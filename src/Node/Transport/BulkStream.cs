using System.Buffers;
using System.Buffers.Binary;
using System.Net.Sockets;
using P2P.Node.Security;

namespace P2P.Node.Transport;

/// <summary>
/// A TCP connection bound to one authenticated session, carrying large messages beside LiteNetLib (see
/// docs/TRANSPORT.md, "bulk path"). Each record is <c>length (u32 LE) ‖ channel (u8) ‖ sealed frame</c>, sealed
/// with the session's send key and counter, so it is authenticated and replay-checked exactly like a datagram;
/// the stream adds only kernel-side reliability and flow control. Writes are serialised by a semaphore; one
/// reader task per stream.
/// </summary>
internal sealed class BulkStream : IAsyncDisposable
{
    public const int HeaderLength = 5;

    private readonly Socket _socket;
    private readonly NetworkStream _stream;
    private readonly SemaphoreSlim _writeLock = new(1, 1);
    private int _closed;

    public BulkStream(Socket socket)
    {
        socket.NoDelay = true;
        // No fixed SO_SNDBUF/SO_RCVBUF: setting them turns off Linux's buffer autotuning and is clamped to
        // net.core.rmem_max (208 KiB on a stock kernel), which would cap a 40 ms path near 10 MB/s; autotuning grows
        // the window to tcp_rmem's maximum as the path's bandwidth-delay product needs (docs/perf/links.md).
        _socket = socket;
        _stream = new NetworkStream(socket, ownsSocket: true);
    }

    public bool IsOpen => Volatile.Read(ref _closed) == 0;

    public NetworkStream Stream => _stream;

    /// <summary>Seals and writes one message; false when the stream is (or becomes) broken.</summary>
    public async ValueTask<bool> SendAsync(SecureSession session, ReadOnlyMemory<byte> message, byte channel, CancellationToken ct)
    {
        var sealedLength = session.SealedLength(message.Length);
        var buffer = ArrayPool<byte>.Shared.Rent(HeaderLength + sealedLength);
        try
        {
            BinaryPrimitives.WriteUInt32LittleEndian(buffer, (uint)sealedLength);
            buffer[4] = channel;
            await _writeLock.WaitAsync(ct);
            try
            {
                // Seal under the write lock so counters go out in order (the receiver's replay window allows
                // reordering, but in-order keeps it far from its edge).
                session.Seal(message.Span, buffer.AsSpan(HeaderLength, sealedLength));
                await _stream.WriteAsync(buffer.AsMemory(0, HeaderLength + sealedLength), ct);
                return true;
            }
            finally
            {
                _writeLock.Release();
            }
        }
        catch (Exception ex) when (ex is IOException or SocketException or ObjectDisposedException)
        {
            await DisposeAsync();
            return false;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>Reads one record header; null at a clean end of stream.</summary>
    public async ValueTask<(int Length, byte Channel)?> ReadHeaderAsync(byte[] header, CancellationToken ct)
    {
        var read = await _stream.ReadAtLeastAsync(header.AsMemory(0, HeaderLength), HeaderLength, throwOnEndOfStream: false, ct);
        if (read < HeaderLength)
            return null;
        var length = BinaryPrimitives.ReadUInt32LittleEndian(header);
        return (length > int.MaxValue ? -1 : (int)length, header[4]);
    }

    public ValueTask DisposeAsync()
    {
        Close();
        return ValueTask.CompletedTask;
    }

    /// <summary>Shuts the socket down; a reader blocked on it wakes with an error. Idempotent.</summary>
    public void Close()
    {
        if (Interlocked.Exchange(ref _closed, 1) != 0)
            return;
        try
        {
            _socket.Shutdown(SocketShutdown.Both);
        }
        catch (SocketException)
        {
        }
        catch (ObjectDisposedException)
        {
        }
        _stream.Dispose();
    }
}
