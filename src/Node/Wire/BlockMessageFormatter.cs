using System.Buffers;
using MessagePack;
using MessagePack.Formatters;

namespace P2P.Node.Wire;

/// <summary>
/// Reads and writes <see cref="BlockMessage"/> exactly as MessagePack's generated formatter for its
/// <c>[Key(0)] Cid, [Key(1)] Data</c> layout did (an array of two bins; extra elements skipped, missing ones left
/// at their defaults, nil data refused by validation), so the wire format is unchanged. What it changes is the copy:
/// the generated code copied each block out of the decoded record into a fresh, zeroed large-object array; this one
/// copies only the CID and leaves the data where it lies, a view of the record (a pooled receive buffer that the
/// exchange keeps through a lease until the block is verified, stored and streamed: docs/perf/fetch-path.md).
/// </summary>
public sealed class BlockMessageFormatter : IMessagePackFormatter<BlockMessage?>
{
    public void Serialize(ref MessagePackWriter writer, BlockMessage? value, MessagePackSerializerOptions options)
    {
        if (value is null)
        {
            writer.WriteNil();
            return;
        }
        writer.WriteArrayHeader(2);
        writer.Write(value.Cid);
        writer.Write(value.Data.Span);
    }

    public BlockMessage? Deserialize(ref MessagePackReader reader, MessagePackSerializerOptions options)
    {
        if (reader.TryReadNil())
            return null;
        options.Security.DepthStep(ref reader);
        try
        {
            // The reader refuses a count or a bin length larger than the bytes left, so nothing here allocates past the input.
            var count = reader.ReadArrayHeader();
            var message = new BlockMessage();
            for (var i = 0; i < count; i++)
            {
                switch (i)
                {
                    case 0:
                        message.Cid = ReadBin(ref reader)!;
                        break;
                    case 1:
                        ReadView(ref reader, message);
                        break;
                    default:
                        reader.Skip();
                        break;
                }
            }
            return message;
        }
        finally
        {
            reader.Depth--;
        }
    }

    /// <summary>
    /// The data bin as a view of the input when it lies in one piece (always, for a record decoded from one buffer), a
    /// copy otherwise; nil marks the data missing.
    /// </summary>
    private static void ReadView(ref MessagePackReader reader, BlockMessage message)
    {
        if (reader.ReadBytes() is not { } bytes)
            message.DataMissing = true;
        else
            message.Data = bytes.IsSingleSegment ? bytes.First : bytes.ToArray();
    }

    /// <summary>A bin (or nil, as null) copied into an array of its own, not zeroed first since every byte is written.</summary>
    private static byte[]? ReadBin(ref MessagePackReader reader)
    {
        if (reader.ReadBytes() is not { } bytes)
            return null;
        var array = GC.AllocateUninitializedArray<byte>(checked((int)bytes.Length));
        bytes.CopyTo(array);
        return array;
    }
}
