namespace P2P.Node.Wire;

/// <summary>
/// The second byte of every message. DHT messages live in 1-15, exchange messages in 16-31; new types take new
/// numbers and old ones are never reused, so an older node simply rejects a type it does not know.
/// </summary>
public enum WireMessageType : byte
{
    Ping = 1,
    Pong = 2,
    FindNode = 3,
    Nodes = 4,
    GetProviders = 5,
    Providers = 6,
    AddProvider = 7,
    GetValue = 8,
    PutValue = 9,
    Value = 10,

    WantHave = 16,
    WantBlock = 17,
    Have = 18,
    DontHave = 19,
    Block = 20,
    Cancel = 21,
}
