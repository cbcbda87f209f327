using MessagePack;

namespace P2P.Node.Wire;

/// <summary>The <c>[Key(n)]</c> layout of <see cref="PongMessage"/>, an array of 1; see <see cref="WireArrayFormatter{T}"/>.</summary>
internal sealed class PongMessageFormatter : WireArrayFormatter<PongMessage>
{
    protected override int Count => 1;

    protected override void WriteElements(ref MessagePackWriter writer, PongMessage value, MessagePackSerializerOptions options)
    {
        writer.Write(value.RequestId);
    }

    protected override bool ReadElement(ref MessagePackReader reader, PongMessage value, int key, MessagePackSerializerOptions options)
    {
        switch (key)
        {
            case 0:
                value.RequestId = reader.ReadUInt64();
                return true;
            default:
                return false;
        }
    }
}
