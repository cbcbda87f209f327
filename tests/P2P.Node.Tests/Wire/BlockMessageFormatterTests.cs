using System.Buffers;
using MessagePack;
using P2P.Node.Multiformats;
using P2P.Node.Wire;

namespace P2P.Node.Tests.Wire;

/// <summary>
/// The hand-written block formatter must speak the layout the generated one did (other nodes and stored captures
/// depend on it) and refuse what it refused.
/// </summary>
public sealed class BlockMessageFormatterTests
{
    private static readonly byte[] CidBytes = Cid.V1(Multicodec.Raw, Multihash.Sha256("x"u8)).Bytes.ToArray();

    /// <summary>Header, then a MessagePack array of <paramref name="elements"/>: a byte array as a bin, null as nil, a string as a string.</summary>
    private static byte[] Message(params object?[] elements)
    {
        var buffer = new ArrayBufferWriter<byte>();
        buffer.Write([WireCodec.Version, (byte)WireMessageType.Block]);
        var writer = new MessagePackWriter(buffer);
        writer.WriteArrayHeader(elements.Length);
        foreach (var element in elements)
        {
            switch (element)
            {
                case byte[] bin:
                    writer.Write(bin);
                    break;
                case string text:
                    writer.Write(text);
                    break;
                default:
                    writer.WriteNil();
                    break;
            }
        }
        writer.Flush();
        return buffer.WrittenSpan.ToArray();
    }

    [Fact]
    public void Encode_Block_IsAnArrayOfTheCidBinAndTheDataBin()
    {
        var data = new byte[70_000];
        new Random(3).NextBytes(data);

        var expected = Message(CidBytes, data);

        Assert.Equal(expected, WireCodec.Encode(new BlockMessage { Cid = CidBytes, Data = data }));
    }

    [Fact]
    public void TryDecode_ExtraElements_AreSkipped()
    {
        var bytes = Message(CidBytes, new byte[] { 1, 2, 3 }, "a later field");

        var block = WireCodec.TryDecode<BlockMessage>(bytes);

        Assert.NotNull(block);
        Assert.Equal(CidBytes, block.Cid);
        Assert.Equal(new byte[] { 1, 2, 3 }, block.Data.ToArray());
    }

    [Fact]
    public void TryDecode_NilData_IsRefused()
    {
        var bytes = Message(CidBytes, null);

        Assert.False(WireCodec.TryDecode(bytes, out _, out var error));
        Assert.Contains("block data missing", error, StringComparison.Ordinal);
    }

    [Fact]
    public void TryDecode_DataLongerThanTheRecord_IsRefusedWithoutThrowing()
    {
        var bytes = Message(CidBytes, new byte[1000]);

        // Cut the record short: the bin header now claims more bytes than remain.
        Assert.False(WireCodec.TryDecode(bytes.AsMemory(0, bytes.Length - 10), out _, out var error));
        Assert.StartsWith("malformed Block body", error, StringComparison.Ordinal);
    }

    [Fact]
    public void TryDecode_Data_IsAViewOfTheRecordNotACopy()
    {
        var bytes = WireCodec.Encode(new BlockMessage { Cid = CidBytes, Data = new byte[] { 9, 9, 9 } });
        var block = WireCodec.TryDecode<BlockMessage>(bytes);

        // The last three bytes of the record are the data bin's payload.
        bytes.AsSpan(bytes.Length - 3).Fill(4);

        Assert.Equal(new byte[] { 4, 4, 4 }, block!.Data.ToArray());
    }

    [Fact]
    public void TryDecode_MissingDataElement_IsAnEmptyBlock()
    {
        var block = WireCodec.TryDecode<BlockMessage>(Message(CidBytes));

        Assert.NotNull(block);
        Assert.Equal(0, block.Data.Length);
    }
}
