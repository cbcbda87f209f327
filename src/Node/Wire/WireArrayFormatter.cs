using MessagePack;
using MessagePack.Formatters;

namespace P2P.Node.Wire;

/// <summary>
/// The layout MessagePack's dynamic resolver gave a <c>[MessagePackObject]</c> class with <c>[Key(n)]</c> members,
/// written by hand: nil for null, else an array of <see cref="Count"/> elements in key order; on read, elements past
/// the known ones are skipped and missing ones keep the defaults the constructor gave. Hand-written rather than
/// emitted at run time because the dynamic resolver compiled a formatter (Reflection.Emit) the first time it met each
/// type, keeping the JIT busy long after start (docs/perf/jit.md); rather than generated at build time because
/// MessagePack's source generator ships in the 3.x analyzer package, which the package source does not serve, and
/// thirteen small layouts are shorter to write than a major-version upgrade is to check.
/// </summary>
internal abstract class WireArrayFormatter<T> : IMessagePackFormatter<T?> where T : class, new()
{
    /// <summary>Elements written: the highest key plus one.</summary>
    protected abstract int Count { get; }

    /// <summary>Writes the <see cref="Count"/> elements in key order.</summary>
    protected abstract void WriteElements(ref MessagePackWriter writer, T value, MessagePackSerializerOptions options);

    /// <summary>Reads element <paramref name="key"/> into <paramref name="value"/>; false for a key this build does not know.</summary>
    protected abstract bool ReadElement(ref MessagePackReader reader, T value, int key, MessagePackSerializerOptions options);

    public void Serialize(ref MessagePackWriter writer, T? value, MessagePackSerializerOptions options)
    {
        if (value is null)
        {
            writer.WriteNil();
            return;
        }
        writer.WriteArrayHeader(Count);
        WriteElements(ref writer, value, options);
    }

    public T? Deserialize(ref MessagePackReader reader, MessagePackSerializerOptions options)
    {
        if (reader.TryReadNil())
            return null;
        options.Security.DepthStep(ref reader);
        try
        {
            // The reader refuses a count larger than the bytes left, so the loop is bounded by the capped input.
            var count = reader.ReadArrayHeader();
            var value = new T();
            for (var key = 0; key < count; key++)
            {
                if (!ReadElement(ref reader, value, key, options))
                    reader.Skip();
            }
            return value;
        }
        finally
        {
            reader.Depth--;
        }
    }
}
