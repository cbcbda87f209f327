using MessagePack;

namespace P2P.Node.Wire;

/// <summary>The <c>[Key(n)]</c> layout of <see cref="PingMessage"/>, an array of 2; see <see cref="WireArrayFormatter{T}"/>.</summary>
internal sealed class PingMessageFormatter : WireArrayFormatter<PingMessage>
{
    protected override int Count => 2;

    protected override void WriteElements(ref MessagePackWriter writer, PingMessage value, MessagePackSerializerOptions options)
    {
        writer.Write(value.RequestId);
        writer.Write(value.Client);
    }

    protected override bool ReadElement(ref MessagePackReader reader, PingMessage value, int key, MessagePackSerializerOptions options)
    {
        switch (key)
        {
            case 0:
                value.RequestId = reader.ReadUInt64();
                return true;
            case 1:
                value.Client = reader.ReadBoolean();
                return true;
            default:
                return false;
        }
    }
}
