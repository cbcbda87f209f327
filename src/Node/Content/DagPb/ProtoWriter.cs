namespace P2P.Node.Content.DagPb;

/// <summary>
/// Writes protobuf wire format into a span the caller sized with <see cref="VarintSize"/> and friends.
/// Varints are always minimal, as Go's and JavaScript's protobuf encoders write them.
/// </summary>
internal ref struct ProtoWriter
{
    private readonly Span<byte> _destination;

    public ProtoWriter(Span<byte> destination)
    {
        _destination = destination;
        Position = 0;
    }

    public int Position { get; private set; }

    public static int VarintSize(ulong value)
    {
        var n = 1;
        while (value >= 0x80)
        {
            value >>= 7;
            n++;
        }
        return n;
    }

    /// <summary>Size of a length-delimited field with a one-byte key.</summary>
    public static int BytesFieldSize(int length) => 1 + VarintSize((ulong)length) + length;

    /// <summary>Size of a varint field with a one-byte key.</summary>
    public static int VarintFieldSize(ulong value) => 1 + VarintSize(value);

    public void WriteVarint(ulong value)
    {
        while (value >= 0x80)
        {
            _destination[Position++] = (byte)(value | 0x80);
            value >>= 7;
        }
        _destination[Position++] = (byte)value;
    }

    public void WriteKey(int field, int wireType) => WriteVarint((ulong)((field << 3) | wireType));

    public void WriteBytesField(int field, ReadOnlySpan<byte> value)
    {
        WriteKey(field, 2);
        WriteVarint((ulong)value.Length);
        value.CopyTo(_destination[Position..]);
        Position += value.Length;
    }

    /// <summary>Writes the key and length of a length-delimited field whose body the caller writes next.</summary>
    public void WriteLengthPrefix(int field, int length)
    {
        WriteKey(field, 2);
        WriteVarint((ulong)length);
    }

    public void WriteStringField(int field, string value)
    {
        var length = System.Text.Encoding.UTF8.GetByteCount(value);
        WriteLengthPrefix(field, length);
        System.Text.Encoding.UTF8.GetBytes(value, _destination.Slice(Position, length));
        Position += length;
    }

    public void WriteVarintField(int field, ulong value)
    {
        WriteKey(field, 0);
        WriteVarint(value);
    }

    public void WriteFixed32Field(int field, uint value)
    {
        WriteKey(field, 5);
        System.Buffers.Binary.BinaryPrimitives.WriteUInt32LittleEndian(_destination[Position..], value);
        Position += 4;
    }
}
