using MessagePack;

namespace P2P.Node.Wire;

/// <summary>The <c>[Key(n)]</c> layout of <see cref="PutValueMessage"/>, an array of 4; see <see cref="WireArrayFormatter{T}"/>.</summary>
internal sealed class PutValueMessageFormatter : WireArrayFormatter<PutValueMessage>
{
    protected override int Count => 4;

    protected override void WriteElements(ref MessagePackWriter writer, PutValueMessage value, MessagePackSerializerOptions options)
    {
        writer.Write(value.RequestId);
        writer.Write(value.Key);
        writer.Write(value.Value);
        writer.Write(value.Client);
    }

    protected override bool ReadElement(ref MessagePackReader reader, PutValueMessage value, int key, MessagePackSerializerOptions options)
    {
        switch (key)
        {
            case 0:
                value.RequestId = reader.ReadUInt64();
                return true;
            case 1:
                value.Key = WireElements.ReadBin(ref reader)!;
                return true;
            case 2:
                value.Value = WireElements.ReadBin(ref reader)!;
                return true;
            case 3:
                value.Client = reader.ReadBoolean();
                return true;
            default:
                return false;
        }
    }
}
