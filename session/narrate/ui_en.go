package narrate

// enUI holds the English labels and help texts of the screens and outputs.
var enUI = map[Key]string{}

// zhUI holds the Chinese labels and help texts of the screens and outputs.
var zhUI = map[Key]string{}
