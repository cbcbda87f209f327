using System.Buffers;
using MessagePack;
using MessagePack.Formatters;

namespace P2P.Node.Wire;

/// <summary>
/// Reads and writes <see cref="BlockMessage"/> exactly as MessagePack's generated formatter for its
/// <c>[Key(0)] Cid, [Key(1)] Data</c> layout did (an array of two bins; extra elements skipped, missing ones left
/// at their defaults, nil for a null field), so the wire format is unchanged. What it changes is the copy: the
/// generated code copied each block out of the decoded record with <c>ReadOnlySequence.ToArray</c> (a zeroed,
/// fresh large-object array, then a memmove); this one copies it once into an uninitialised array, and the record
/// (a pooled receive buffer) can go back to its pool as soon as the message is decoded.
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
        writer.Write(value.Data);
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
                        message.Data = ReadBin(ref reader)!;
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
