using System.Buffers.Binary;
using System.Numerics;
using System.Security.Cryptography;
using System.Text;

namespace P2P.Node.Tests.Content;

/// <summary>
/// kubo's deterministic test data G(seed, n): the first n bytes of the IETF ChaCha20 keystream (RFC 8439 §2.3)
/// with key = SHA-256(UTF-8 seed), a zero 12-byte nonce and the block counter starting at 0. The BCL cannot
/// give this stream (its AEAD starts at counter 1), so the block function is written out here.
/// </summary>
internal sealed class ChaChaStream : Stream
{
    private readonly uint[] _state = new uint[16];
    private readonly byte[] _block = new byte[64];
    private readonly long _length;
    private long _position;
    private int _blockUsed = 64;

    public ChaChaStream(string seed, long length)
    {
        var key = SHA256.HashData(Encoding.UTF8.GetBytes(seed));
        _state[0] = 0x61707865;
        _state[1] = 0x3320646e;
        _state[2] = 0x79622d32;
        _state[3] = 0x6b206574;
        for (var i = 0; i < 8; i++)
            _state[4 + i] = BinaryPrimitives.ReadUInt32LittleEndian(key.AsSpan(4 * i));
        _length = length;
    }

    public static byte[] Generate(string seed, int length)
    {
        var data = new byte[length];
        using var stream = new ChaChaStream(seed, length);
        stream.ReadExactly(data);
        return data;
    }

    public override bool CanRead => true;

    public override bool CanSeek => false;

    public override bool CanWrite => false;

    public override long Length => _length;

    public override long Position
    {
        get => _position;
        set => throw new NotSupportedException();
    }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        var total = (int)Math.Min(buffer.Length, _length - _position);
        for (var done = 0; done < total;)
        {
            if (_blockUsed == 64)
                NextBlock();
            var take = Math.Min(64 - _blockUsed, total - done);
            _block.AsSpan(_blockUsed, take).CopyTo(buffer[done..]);
            _blockUsed += take;
            done += take;
        }
        _position += total;
        return total;
    }

    private void NextBlock()
    {
        Span<uint> x = stackalloc uint[16];
        _state.CopyTo(x);
        for (var round = 0; round < 10; round++)
        {
            Quarter(x, 0, 4, 8, 12);
            Quarter(x, 1, 5, 9, 13);
            Quarter(x, 2, 6, 10, 14);
            Quarter(x, 3, 7, 11, 15);
            Quarter(x, 0, 5, 10, 15);
            Quarter(x, 1, 6, 11, 12);
            Quarter(x, 2, 7, 8, 13);
            Quarter(x, 3, 4, 9, 14);
        }
        for (var i = 0; i < 16; i++)
            BinaryPrimitives.WriteUInt32LittleEndian(_block.AsSpan(4 * i), x[i] + _state[i]);
        _state[12]++;
        _blockUsed = 0;
    }

    private static void Quarter(Span<uint> x, int a, int b, int c, int d)
    {
        x[a] += x[b]; x[d] = BitOperations.RotateLeft(x[d] ^ x[a], 16);
        x[c] += x[d]; x[b] = BitOperations.RotateLeft(x[b] ^ x[c], 12);
        x[a] += x[b]; x[d] = BitOperations.RotateLeft(x[d] ^ x[a], 8);
        x[c] += x[d]; x[b] = BitOperations.RotateLeft(x[b] ^ x[c], 7);
    }

    public override void Flush()
    {
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
}
