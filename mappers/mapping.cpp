#include "mappers/mapping.hpp"
