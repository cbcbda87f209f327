namespace P2P.Node.Content.DagPb;

/// <summary>
/// A forward-only reader of protobuf wire format (protobuf.dev/programming-guides/encoding) over one buffer.
/// Every read checks the remaining length first and throws <see cref="InvalidDataException"/> with a one-line
/// message, so decoders built on it never index past the input or allocate from an unchecked length.
/// </summary>
internal ref struct ProtoReader
{
    private readonly ReadOnlySpan<byte> _source;

    public ProtoReader(ReadOnlySpan<byte> source)
    {
        _source = source;
        Position = 0;
    }

    public int Position { get; private set; }

    public readonly bool End => Position >= _source.Length;

    /// <summary>Reads a base-128 varint of at most 10 bytes. With <paramref name="minimal"/> a padded encoding is rejected.</summary>
    public ulong ReadVarint(string what, bool minimal)
    {
        ulong value = 0;
        for (var i = 0; i < 10; i++)
        {
            if (Position >= _source.Length)
                throw new InvalidDataException($"truncated varint in {what}");
            var b = _source[Position++];
            if (i == 9 && b > 1)
                throw new InvalidDataException($"varint overflows 64 bits in {what}");
            value |= (ulong)(b & 0x7F) << (7 * i);
            if ((b & 0x80) == 0)
            {
                if (minimal && b == 0 && i > 0)
                    throw new InvalidDataException($"non-minimal varint in {what}");
                return value;
            }
        }
        throw new InvalidDataException($"varint longer than 10 bytes in {what}");
    }

    /// <summary>Reads a field key; field numbers above 2^29 - 1 or zero are malformed.</summary>
    public (int Field, int WireType) ReadTag(string what, bool minimal)
    {
        var key = ReadVarint(what, minimal);
        var field = key >> 3;
        if (field == 0 || field > 0x1FFF_FFFF)
            throw new InvalidDataException($"invalid field number {field} in {what}");
        return ((int)field, (int)(key & 7));
    }

    /// <summary>Reads a length prefix and returns the range it covers, after checking it fits in the input.</summary>
    public (int Start, int Length) ReadLengthDelimited(string what, bool minimal)
    {
        var length = ReadVarint(what, minimal);
        if (length > (ulong)(_source.Length - Position))
            throw new InvalidDataException($"{what} claims {length} bytes but only {_source.Length - Position} remain");
        var start = Position;
        Position += (int)length;
        return (start, (int)length);
    }

    public uint ReadFixed32(string what)
    {
        if (_source.Length - Position < 4)
            throw new InvalidDataException($"truncated fixed32 in {what}");
        var value = System.Buffers.Binary.BinaryPrimitives.ReadUInt32LittleEndian(_source.Slice(Position, 4));
        Position += 4;
        return value;
    }

    /// <summary>Skips a field of a known wire type; groups (3, 4) and reserved types (6, 7) are rejected.</summary>
    public void Skip(int wireType, string what)
    {
        switch (wireType)
        {
            case 0:
                ReadVarint(what, minimal: false);
                break;
            case 1:
                if (_source.Length - Position < 8)
                    throw new InvalidDataException($"truncated fixed64 in {what}");
                Position += 8;
                break;
            case 2:
                ReadLengthDelimited(what, minimal: false);
                break;
            case 5:
                ReadFixed32(what);
                break;
            default:
                throw new InvalidDataException($"unsupported protobuf wire type {wireType} in {what}");
        }
    }
}
