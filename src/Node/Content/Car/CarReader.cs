using System.Buffers.Binary;
using P2P.Node.Multiformats;

namespace P2P.Node.Content.Car;

/// <summary>
/// Reads a CAR stream section by section with bounded memory (ipld.io/specs/transport/car/carv1): a varint
/// length and the dag-cbor header, then sections of <c>varint(length) CID block</c> until the end of the stream.
/// A CARv2 file (ipld.io/specs/transport/car/carv2) is read through its v1 payload; its index is ignored.
/// Every length is checked against <see cref="CarLimits"/> before anything is allocated, and malformed or
/// truncated input throws <see cref="InvalidDataException"/> naming the section and byte offset. The reader
/// does not check blocks against their CIDs: <see cref="CarImporter"/> does, so a caller that only lists a CAR
/// pays no hashing. Not thread-safe; the caller owns (and disposes) the stream.
/// </summary>
public sealed class CarReader
{
    /// <summary>CARv2's fixed header after its 11-byte pragma: characteristics, data offset, data size, index offset.</summary>
    private const int V2HeaderLength = 40;

    private const int BufferSize = 64 * 1024;

    private readonly Stream _source;
    private readonly CarLimits _limits;
    private readonly byte[] _buffer = new byte[BufferSize];

    /// <summary>Unconsumed bytes are <c>_buffer[_start.._end]</c>.</summary>
    private int _start;
    private int _end;
    private bool _eof;

    /// <summary>Where the v1 payload ends (CARv2), or long.MaxValue for a plain CARv1 stream.</summary>
    private long _limit = long.MaxValue;

    public CarReader(Stream source, CarLimits? limits = null)
    {
        ArgumentNullException.ThrowIfNull(source);
        _source = source;
        _limits = limits ?? CarLimits.Default;
    }

    /// <summary>The header, once <see cref="ReadHeaderAsync"/> has returned.</summary>
    public CarHeader? Header { get; private set; }

    /// <summary>Bytes consumed from the stream so far.</summary>
    public long Position { get; private set; }

    /// <summary>Sections read so far.</summary>
    public int SectionsRead { get; private set; }

    /// <summary>Reads the header (for CARv2, the inner v1 header after skipping to the payload).</summary>
    public async Task<CarHeader> ReadHeaderAsync(CancellationToken cancellationToken = default)
    {
        if (Header is not null)
            throw new InvalidOperationException("the CAR header was already read");
        var header = await ReadRawHeaderAsync(cancellationToken);
        if (header.Version == 2)
        {
            await EnterV2PayloadAsync(cancellationToken);
            header = await ReadRawHeaderAsync(cancellationToken);
            if (header.Version != 1)
                throw new InvalidDataException($"invalid CARv2: its payload has version {header.Version}, not 1");
        }
        Header = header;
        return header;
    }

    /// <summary>The next section, or null at the end of the CAR.</summary>
    public async ValueTask<CarBlock?> ReadBlockAsync(CancellationToken cancellationToken = default)
    {
        if (Header is null)
            throw new InvalidOperationException("read the CAR header first");
        if (Position == _limit)
            return null;
        var offset = Position;
        var index = SectionsRead;
        var length = await ReadLengthAsync(allowEnd: _limit == long.MaxValue, $"section {index}", cancellationToken);
        if (length is null)
            return null;
        if (length == 0)
            throw new InvalidDataException($"invalid CAR: section {index} at byte {offset} is empty");
        if (length > (ulong)_limits.MaxSectionLength)
            throw new InvalidDataException(
                $"invalid CAR: section {index} at byte {offset} is {length} bytes; the limit is {_limits.MaxSectionLength}");
        if ((long)length > _limit - Position)
            throw new InvalidDataException($"invalid CARv2: section {index} at byte {offset} runs past the data payload");
        var section = new byte[(int)length];
        await ReadExactAsync(section, $"section {index} at byte {offset}", cancellationToken);
        if (!Cid.TryRead(section, out var cid, out var cidLength, out var error))
            throw new InvalidDataException($"invalid CAR: section {index} at byte {offset} has a bad CID: {error}");
        if (section.Length - cidLength > _limits.MaxBlockLength)
            throw new InvalidDataException(
                $"invalid CAR: block {cid} is {section.Length - cidLength} bytes; the limit is {_limits.MaxBlockLength}");
        SectionsRead++;
        return new CarBlock(cid!, section.AsMemory(cidLength));
    }

    /// <summary>Every remaining section in order.</summary>
    public async IAsyncEnumerable<CarBlock> ReadBlocksAsync(
        [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        while (await ReadBlockAsync(cancellationToken) is { } block)
            yield return block;
    }

    private async Task<CarHeader> ReadRawHeaderAsync(CancellationToken cancellationToken)
    {
        var length = await ReadLengthAsync(allowEnd: false, "header", cancellationToken);
        if (length == 0)
            throw new InvalidDataException("invalid CAR header: it is empty");
        if (length > (ulong)_limits.MaxHeaderLength)
            throw new InvalidDataException($"invalid CAR header: {length} bytes; the limit is {_limits.MaxHeaderLength}");
        // Inside a CARv2 the v1 header must end within the data payload, as every section must: reading past it
        // would leave the position beyond the payload's end, where no length can be read.
        if ((long)length!.Value > _limit - Position)
            throw new InvalidDataException("invalid CARv2: the header of its data payload runs past the payload's end");
        var bytes = new byte[(int)length!.Value];
        await ReadExactAsync(bytes, "header", cancellationToken);
        return CarHeaderCodec.Decode(bytes, _limits.MaxRoots);
    }

    private async Task EnterV2PayloadAsync(CancellationToken cancellationToken)
    {
        var fixedHeader = new byte[V2HeaderLength];
        await ReadExactAsync(fixedHeader, "CARv2 header", cancellationToken);
        var dataOffset = BinaryPrimitives.ReadUInt64LittleEndian(fixedHeader.AsSpan(16));
        var dataSize = BinaryPrimitives.ReadUInt64LittleEndian(fixedHeader.AsSpan(24));
        if (dataOffset < (ulong)Position || dataOffset > long.MaxValue / 2 || dataSize > long.MaxValue / 2 || dataSize == 0)
            throw new InvalidDataException($"invalid CARv2 header: data offset {dataOffset}, data size {dataSize}");
        await SkipAsync((long)dataOffset - Position, cancellationToken);
        _limit = (long)dataOffset + (long)dataSize;
    }

    /// <summary>Reads a varint length; null only when <paramref name="allowEnd"/> and the stream ends cleanly first.</summary>
    private async ValueTask<ulong?> ReadLengthAsync(bool allowEnd, string what, CancellationToken cancellationToken)
    {
        var available = await FillAsync(Varint.MaxLength, cancellationToken);
        if (available == 0)
        {
            if (allowEnd)
                return null;
            throw new InvalidDataException($"CAR is truncated: it ends before the {what} at byte {Position}");
        }
        if (!Varint.TryRead(_buffer.AsSpan(_start, available), out var value, out var used))
        {
            throw available < Varint.MaxLength && _eof
                ? new InvalidDataException($"CAR is truncated: it ends inside the length of the {what} at byte {Position}")
                : new InvalidDataException($"invalid CAR: malformed length varint for the {what} at byte {Position}");
        }
        Consume(used);
        return value;
    }

    /// <summary>Buffers up to <paramref name="wanted"/> bytes (fewer at the end) and returns how many are available.</summary>
    private async ValueTask<int> FillAsync(int wanted, CancellationToken cancellationToken)
    {
        wanted = (int)Math.Clamp(_limit - Position, 0, wanted);
        while (_end - _start < wanted && !_eof)
        {
            if (_start > 0)
            {
                Buffer.BlockCopy(_buffer, _start, _buffer, 0, _end - _start);
                _end -= _start;
                _start = 0;
            }
            var n = await _source.ReadAsync(_buffer.AsMemory(_end), cancellationToken);
            if (n == 0)
                _eof = true;
            _end += n;
        }
        return Math.Min(wanted, _end - _start);
    }

    private async ValueTask ReadExactAsync(Memory<byte> destination, string what, CancellationToken cancellationToken)
    {
        var total = destination.Length;
        var fromBuffer = Math.Min(_end - _start, total);
        _buffer.AsMemory(_start, fromBuffer).CopyTo(destination);
        Consume(fromBuffer);
        var done = fromBuffer;
        while (done < total)
        {
            var n = _eof ? 0 : await _source.ReadAsync(destination[done..], cancellationToken);
            if (n == 0)
            {
                _eof = true;
                throw new InvalidDataException($"CAR is truncated: the {what} ends after {done} of {total} bytes");
            }
            done += n;
            Position += n;
        }
    }

    private async ValueTask SkipAsync(long count, CancellationToken cancellationToken)
    {
        while (count > 0)
        {
            var available = await FillAsync((int)Math.Min(count, BufferSize), cancellationToken);
            if (available == 0)
                throw new InvalidDataException($"CARv2 is truncated: the stream ends at byte {Position}, before its data payload");
            Consume(available);
            count -= available;
        }
    }

    private void Consume(int count)
    {
        _start += count;
        Position += count;
    }
}
