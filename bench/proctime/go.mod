module duat.bench/proctime

go 1.26
