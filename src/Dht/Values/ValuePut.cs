namespace P2P.Dht.Values;

/// <summary>Outcome of offering a value to a <see cref="ValueStore"/>.</summary>
public readonly record struct ValuePut(bool Stored, ValueRefusal? Refusal, string? Reason)
{
    public static ValuePut Accepted { get; } = new(true, null, null);

    public static ValuePut Refused(ValueRefusal refusal, string reason) => new(false, refusal, reason);
}
